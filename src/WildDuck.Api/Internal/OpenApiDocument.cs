// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WildDuck.Api.Internal;

/// <summary>Builds the OpenAPI 3.1 document from the route table (inputs come from the same <see cref="FieldSpec"/>s that validate requests).</summary>
internal static partial class OpenApiDocument
{
    public static JsonObject Build(IReadOnlyList<ApiRoute> routes)
    {
        var paths = new JsonObject();
        foreach (var route in routes)
        {
            if (paths[route.Pattern] is not JsonObject item)
            {
                item = new JsonObject();
                paths[route.Pattern] = item;
            }

            item[route.Method.ToLowerInvariant()] = Operation(route);
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "WildDuck.Core API",
                ["version"] = "1.0",
                ["description"] = "Users, addresses, mailboxes and parsed messages. Errors are {\"error\", \"code\", \"details\"?}.",
            },
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["header"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Access-Token" },
                    ["query"] = new JsonObject { ["type"] = "apiKey", ["in"] = "query", ["name"] = "accessToken" },
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                },
                ["schemas"] = new JsonObject
                {
                    ["Error"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("error", "code"),
                        ["properties"] = new JsonObject
                        {
                            ["error"] = new JsonObject { ["type"] = "string" },
                            ["code"] = new JsonObject { ["type"] = "string" },
                            ["details"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                        },
                    },
                },
            },
            ["paths"] = paths,
        };
    }

    private static JsonObject Operation(ApiRoute route)
    {
        var parameters = new JsonArray();
        foreach (Match match in PathParameter().Matches(route.Pattern))
        {
            parameters.Add((JsonNode)new JsonObject
            {
                ["name"] = match.Groups[1].Value,
                ["in"] = "path",
                ["required"] = true,
                ["schema"] = new JsonObject { ["type"] = "string" },
            });
        }

        foreach (var field in route.Query)
        {
            parameters.Add((JsonNode)Parameter(field));
        }

        if (route.Paged)
        {
            foreach (var field in ApiInputReader.PagingFields)
            {
                parameters.Add((JsonNode)Parameter(field));
            }
        }

        var operation = new JsonObject
        {
            ["operationId"] = route.OperationId,
            ["tags"] = new JsonArray(route.Tag),
            ["summary"] = route.Summary,
            ["parameters"] = parameters,
        };

        if (route.Access == RouteAccess.Public)
        {
            operation["security"] = new JsonArray();
        }
        else
        {
            operation["security"] = new JsonArray(new JsonObject { ["header"] = new JsonArray() }, new JsonObject { ["query"] = new JsonArray() }, new JsonObject { ["bearer"] = new JsonArray() });
            operation["x-roles"] = route.Access switch
            {
                RouteAccess.Root => new JsonArray("root"),
                RouteAccess.UserToken => new JsonArray("user"),
                RouteAccess.Service => new JsonArray("root", "webmail"),
                _ => new JsonArray("root", "webmail", "user (own records)"),
            };
        }

        if (route.BodyKind != BodyKind.None)
        {
            var content = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Schema(route.Body) } };
            if (route.BodyKind == BodyKind.JsonOrMessage)
            {
                content["message/rfc822"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["format"] = "binary" } };
            }

            operation["requestBody"] = new JsonObject { ["required"] = HasRequired(route.Body), ["content"] = content };
        }

        var success = new JsonObject { ["description"] = "Success" };
        success["content"] = new JsonObject
        {
            [route.Produces] = new JsonObject
            {
                ["schema"] = route.Produces == "application/json" ? new JsonObject { ["type"] = "object" }
                    : route.Produces.StartsWith("text/", StringComparison.Ordinal) ? new JsonObject { ["type"] = "string" }
                    : new JsonObject { ["type"] = "string", ["format"] = "binary" },
            },
        };

        var responses = new JsonObject { ["200"] = success };
        foreach (var (status, description) in new[] { ("400", "Invalid input (details per field)"), ("401", "Missing or invalid token"), ("403", "Not allowed"), ("404", "Not found"), ("413", "Body too large"), ("429", "Rate limited") })
        {
            responses[status] = new JsonObject
            {
                ["description"] = description,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/Error" } } },
            };
        }

        operation["responses"] = responses;
        return operation;
    }

    private static bool HasRequired(FieldSpec[] fields)
    {
        foreach (var field in fields)
        {
            if (field.Required)
            {
                return true;
            }
        }

        return false;
    }

    private static JsonObject Parameter(FieldSpec field) => new()
    {
        ["name"] = field.Name,
        ["in"] = "query",
        ["required"] = field.Required,
        ["description"] = field.Description,
        ["schema"] = FieldSchema(field),
    };

    private static JsonObject Schema(FieldSpec[] fields)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var field in fields)
        {
            properties[field.Name] = FieldSchema(field);
            if (field.Required)
            {
                required.Add((JsonNode)field.Name);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        return schema;
    }

    private static JsonObject FieldSchema(FieldSpec field)
    {
        var schema = new JsonObject { ["description"] = field.Description };
        switch (field.Type)
        {
            case FieldType.Integer:
                schema["type"] = "integer";
                if (field.Min != long.MinValue)
                {
                    schema["minimum"] = field.Min;
                }

                if (field.Max != long.MaxValue)
                {
                    schema["maximum"] = field.Max;
                }

                break;
            case FieldType.Boolean:
                schema["type"] = "boolean";
                break;
            case FieldType.Object:
                foreach (var (name, value) in Schema(field.Fields ?? Array.Empty<FieldSpec>()))
                {
                    schema[name] = value?.DeepClone();
                }

                break;
            case FieldType.ObjectArray:
                schema["type"] = "array";
                schema["maxItems"] = field.MaxItems;
                schema["items"] = Schema(field.Fields ?? Array.Empty<FieldSpec>());
                break;
            case FieldType.StringArray:
                schema["type"] = "array";
                schema["maxItems"] = field.MaxItems;
                schema["items"] = StringSchema(field);
                break;
            default:
                foreach (var (name, value) in StringSchema(field))
                {
                    schema[name] = value?.DeepClone();
                }

                break;
        }

        return schema;
    }

    private static JsonObject StringSchema(FieldSpec field)
    {
        var schema = new JsonObject { ["type"] = "string" };
        if (field.MinLength > 0 || field.Required)
        {
            schema["minLength"] = Math.Max(field.MinLength, 1);
        }

        if (field.MaxLength != int.MaxValue)
        {
            schema["maxLength"] = field.MaxLength;
        }

        if (field.Allowed is { } allowed)
        {
            schema["enum"] = ApiJson.Strings(allowed);
        }

        return schema;
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PathParameter();
}

// SPDX-License-Identifier: MIT
using System;
using System.IO;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WildDuck.Api;
using WildDuck.Hosting;
using WildDuck.Imap;
using WildDuck.Lmtp;
using WildDuck.Lmtp.Outbound;
using WildDuck.Pop3;
using WildDuck.Storage;
using WildDuck.Storage.MongoDB;
using WildDuck.Storage.Redis;
using WildDuck.Storage.Sqlite;

namespace WildDuck.Server;

/// <summary>Builds the sample host: every service on the configured store (SQLite by default), configured from the <c>WildDuck</c> section.</summary>
internal static class ServerSetup
{
    public static HostApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        // Sources, later ones winning: appsettings.json next to the binary, WildDuck__… environment
        // variables, then --WildDuck:Key=value command-line arguments (the host's defaults).
        var section = builder.Configuration.GetSection("WildDuck");
        var dataDirectory = Path.GetFullPath(section["DataDirectory"] ?? "./data", Directory.GetCurrentDirectory());
        builder.Services.AddSingleton(new ServerPaths(dataDirectory));
        builder.Services.Configure<MaintenanceOptions>(section.GetSection("Maintenance"));

        var wildDuck = builder.Services.AddWildDuck(o => section.Bind(o));

        // The store: the embedded SQLite file by default; MongoDB (docs/deployment.md) with
        // WildDuck__Storage__Provider=MongoDB and WildDuck__Storage__MongoDB__ConnectionString=mongodb://….
        var provider = section["Storage:Provider"];
        if (string.Equals(provider, "MongoDB", StringComparison.OrdinalIgnoreCase))
        {
            wildDuck.UseMongoDBStorage(o => section.GetSection("Storage:MongoDB").Bind(o));
        }
        else if (string.IsNullOrEmpty(provider) || string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            wildDuck.UseSqliteStorage(o =>
            {
                section.GetSection("Sqlite").Bind(o);
                o.Path = section["Sqlite:Path"] is { Length: > 0 } path
                    ? Path.GetFullPath(path, dataDirectory)
                    : Path.Combine(dataDirectory, "wildduck.db");
            });
        }
        else
        {
            throw new InvalidOperationException($"WildDuck:Storage:Provider must be Sqlite or MongoDB, not '{provider}'.");
        }

        wildDuck
            .AddTls(o =>
            {
                section.GetSection("Tls").Bind(o);

                // Without a configured certificate a self-signed one is generated next to the store,
                // so STARTTLS and the TLS port work out of the box.
                o.SelfSignedDirectory = Path.GetFullPath(section["Tls:SelfSignedDirectory"] ?? dataDirectory, dataDirectory);
                o.SelfSignedHostname ??= section["Hostname"];
            })
            .ConfigureHosting(o => section.GetSection("Hosting").Bind(o))
            .AddImap(o => section.GetSection("Imap").Bind(o))
            .AddPop3(o => section.GetSection("Pop3").Bind(o))
            .AddLmtp(o => section.GetSection("Lmtp").Bind(o))
            .AddDelivery(o => section.GetSection("Delivery").Bind(o))

            // Forwards and autoreplies leave through the outbound queue (docs/outbound.md), e.g.
            // WildDuck__Outbound__Smarthost__Host=smtp.example.org.
            .AddOutboundRelay(o => section.GetSection("Outbound").Bind(o));

        // Several instances (or processes on one SQLite file) wake each other's IMAP sessions over
        // Redis pub/sub when WildDuck__Redis__Configuration is set; without it the journal watcher
        // alone relays other processes' changes, once a second.
        if (!string.IsNullOrWhiteSpace(section["Redis:Configuration"]))
        {
            wildDuck.UseRedis(o => section.GetSection("Redis").Bind(o));
        }

        // The HTTP API on its own Kestrel listener (docs/api.md): WildDuck__Api__Host (default
        // 127.0.0.1), WildDuck__Api__Port (default 8080), WildDuck__Api__AccessToken for root access;
        // WildDuck__Api__Enabled=false turns it off.
        if (section.GetValue("Api:Enabled", true))
        {
            wildDuck.AddApiServer(o => section.GetSection("Api").Bind(o));

            // The sample web client at http://127.0.0.1:8080/ (WildDuck__Api__WebClient=false turns it off).
            if (section.GetValue("Api:WebClient", true))
            {
                wildDuck.MapOnApiServer(WebClient.Map);
            }
        }

        builder.Services.AddHostedService<StoreMaintenanceService>();
        return builder;
    }
}

/// <summary>Where the embedded store lives.</summary>
/// <param name="DataDirectory">Absolute data directory (<c>WildDuck__DataDirectory</c>, default <c>./data</c>).</param>
internal sealed record ServerPaths(string DataDirectory);

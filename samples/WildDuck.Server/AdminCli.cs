// SPDX-License-Identifier: MIT
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using WildDuck.Storage;

namespace WildDuck.Server;

/// <summary>
/// The admin commands of the sample host (<c>dotnet run --project samples/WildDuck.Server -- user create …</c>).
/// They use the same configuration as the server, so they act on the same store.
/// </summary>
internal static partial class AdminCli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;

    public const string UsageText = """
        Usage:
          WildDuck.Server                      run the server
          WildDuck.Server user create NAME --password PW [--address ADDR] [--quota BYTES]
          WildDuck.Server user list
          WildDuck.Server user delete NAME
          WildDuck.Server user password NAME --password PW
          WildDuck.Server user import NAME PATH... [--mailbox PATH]   store .eml files (or directories of them)
          WildDuck.Server check                verify reference counts, counters, quota, UIDs (exit 1 on damage)
          WildDuck.Server filter add USER [query] [actions] [--name NAME] [--disabled]
              query:   --from T --to T --subject T --list-id T --text T --has-attachment[=no] --size [-]BYTES
                       (substrings; all must match; --size 100000 is "at least", --size -100000 "at most")
              actions: --seen --flag --delete --spam --not-spam --mailbox PATH --forward TARGET (repeatable:
                       an address, smtp[s]://[user:pw@]host[:port] or http[s]://url)
          WildDuck.Server filter list USER
          WildDuck.Server filter delete USER ID
          WildDuck.Server queue list [--state queued|deferred|failed] [--user NAME]
          WildDuck.Server queue show ID        entry details and the message as it will be sent
          WildDuck.Server queue delete ID      drop an entry
          WildDuck.Server queue retry ID       make an entry due now (a failed one too)
          WildDuck.Server autoreply set USER --text T [--subject S] [--html H] [--name N] [--start TIME] [--end TIME] [--disabled]
          WildDuck.Server autoreply show USER | autoreply off USER
          WildDuck.Server forward set USER TARGET...   forward every delivered message (address, smtp[s]:// or http[s]://)
          WildDuck.Server forward show USER | forward off USER
        Configuration: appsettings.json and WildDuck__… environment variables (WildDuck__DataDirectory selects the store).
        """;

    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (args[0] is "user" or "check" or "filter" or "queue" or "autoreply" or "forward" or "help" or "--help" or "-h");

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        try
        {
            switch (args)
            {
                case ["help" or "--help" or "-h", ..]:
                    await output.WriteLineAsync(UsageText).ConfigureAwait(false);
                    return Ok;
                case ["check"]:
                    return await CheckAsync(services, output, cancellationToken).ConfigureAwait(false);
                case ["user", "list"]:
                    return await ListAsync(services, output, cancellationToken).ConfigureAwait(false);
                case ["user", "create", var name, .. var rest]:
                    return await CreateAsync(services, name, ParseOptions(rest), output, error, cancellationToken).ConfigureAwait(false);
                case ["user", "delete", var name]:
                    return await DeleteAsync(services, name, output, error, cancellationToken).ConfigureAwait(false);
                case ["user", "import", var name, .. var rest]:
                    return await ImportAsync(services, name, rest, output, error, cancellationToken).ConfigureAwait(false);
                case ["user", "password", var name, .. var rest]:
                    return await PasswordAsync(services, name, ParseOptions(rest), output, error, cancellationToken).ConfigureAwait(false);
                case ["filter", ..]:
                    return await FilterAsync(args, services, output, error, cancellationToken).ConfigureAwait(false);
                case ["queue", ..]:
                    return await QueueAsync(args, services, output, error, cancellationToken).ConfigureAwait(false);
                case ["autoreply", ..]:
                    return await AutoreplyAsync(args, services, output, error, cancellationToken).ConfigureAwait(false);
                case ["forward", ..]:
                    return await ForwardAsync(args, services, output, error, cancellationToken).ConfigureAwait(false);
                default:
                    await error.WriteLineAsync(UsageText).ConfigureAwait(false);
                    return Usage;
            }
        }
        catch (UsageException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
            return Usage;
        }
        catch (StorageException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return Failed;
        }
    }

    private static async Task<int> CreateAsync(IServiceProvider services, string name, Dictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue("password", out var password) || password.Length == 0)
        {
            throw new UsageException("user create needs --password.");
        }

        long quota = 0;
        if (options.TryGetValue("quota", out var quotaText) && (!long.TryParse(quotaText, NumberStyles.None, CultureInfo.InvariantCulture, out quota) || quota < 0))
        {
            throw new UsageException("--quota must be a number of bytes.");
        }

        var users = services.GetRequiredService<IUserStore>();
        var user = await users.CreateUserAsync(
            new CreateUserRequest
            {
                Username = name,
                Password = password,
                Address = options.GetValueOrDefault("address"),
                Quota = quota,
            },
            cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"created user {user.Username} ({user.Id}) address {user.Address ?? "-"}")).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> ListAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<IUserStore>();
        var defaultQuota = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WildDuckOptions>>().Value.Users.DefaultQuota;
        await output.WriteLineAsync("ID                        USERNAME                 ADDRESS                            USED        QUOTA  STATE").ConfigureAwait(false);
        string? after = null;
        var count = 0;
        while (true)
        {
            var page = await users.ListUsersAsync(500, after, cancellationToken).ConfigureAwait(false);
            foreach (var user in page)
            {
                var state = user.Suspended ? "suspended" : user.Disabled ? "disabled" : "active";
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{user.Id}  {user.Username,-24} {user.Address ?? "-",-32} {user.StorageUsed,10} {(user.Quota > 0 ? user.Quota : defaultQuota),12}  {state}")).ConfigureAwait(false);
                count++;
            }

            if (page.Count < 500)
            {
                break;
            }

            after = page[^1].Username;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{count} user(s)")).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> DeleteAsync(IServiceProvider services, string name, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<IUserStore>();
        var user = await users.FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null || !await users.DeleteUserAsync(user.Id, cancellationToken).ConfigureAwait(false))
        {
            await error.WriteLineAsync("error: no such user: " + name).ConfigureAwait(false);
            return Failed;
        }

        await output.WriteLineAsync("deleted user " + user.Username).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> PasswordAsync(IServiceProvider services, string name, Dictionary<string, string> options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (!options.TryGetValue("password", out var password) || password.Length == 0)
        {
            throw new UsageException("user password needs --password.");
        }

        var users = services.GetRequiredService<IUserStore>();
        var user = await users.FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            await error.WriteLineAsync("error: no such user: " + name).ConfigureAwait(false);
            return Failed;
        }

        var hasher = services.GetRequiredService<WildDuck.Storage.Security.IPasswordHasher>();
        await users.UpdateUserAsync(user.Id, new UserUpdate { PasswordHash = hasher.Hash(password) }, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync("password changed for " + user.Username).ConfigureAwait(false);
        return Ok;
    }

    private static async Task<int> ImportAsync(IServiceProvider services, string name, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var paths = new List<string>();
        var mailboxPath = "INBOX";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--mailbox")
            {
                if (i + 1 >= args.Length)
                {
                    throw new UsageException("--mailbox needs a value.");
                }

                mailboxPath = args[++i];
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException("unknown option " + args[i]);
            }
            else
            {
                paths.Add(args[i]);
            }
        }

        if (paths.Count == 0)
        {
            throw new UsageException("user import needs at least one file or directory.");
        }

        var user = await services.GetRequiredService<IUserStore>().FindUserAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            await error.WriteLineAsync("error: no such user: " + name).ConfigureAwait(false);
            return Failed;
        }

        var mailbox = await services.GetRequiredService<IMailboxStore>().FindMailboxAsync(user.Id, mailboxPath, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            await error.WriteLineAsync("error: no such mailbox: " + mailboxPath).ConfigureAwait(false);
            return Failed;
        }

        var messages = services.GetRequiredService<IMessageStore>();
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var found = Directory.GetFiles(path, "*", SearchOption.AllDirectories);
                Array.Sort(found, StringComparer.Ordinal);
                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                await error.WriteLineAsync("error: no such file or directory: " + path).ConfigureAwait(false);
                return Failed;
            }
        }

        var stored = 0;
        var refused = 0;
        foreach (var file in files)
        {
            var content = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await messages.AppendAsync(user.Id, mailbox.Id, new AppendRequest { Content = content, Source = "IMPORT" }, cancellationToken).ConfigureAwait(false);
                stored++;
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{file}: stored as UID {result.Uid} ({result.Size} bytes)")).ConfigureAwait(false);
            }
            catch (StorageException ex)
            {
                refused++;
                await error.WriteLineAsync(file + ": refused: " + ex.Message).ConfigureAwait(false);
                if (ex.Error is StorageError.OverQuota or StorageError.Unavailable)
                {
                    // The rest would fail the same way.
                    break;
                }
            }
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"imported {stored} message(s) into {mailbox.Path}, refused {refused}")).ConfigureAwait(false);
        return refused == 0 ? Ok : Failed;
    }

    private static async Task<int> CheckAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var report = await services.GetRequiredService<IStoreMaintenance>().CheckAsync(cancellationToken).ConfigureAwait(false);
        var stats = await services.GetRequiredService<IAttachmentStore>().GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"checked {report.Users} user(s), {report.Mailboxes} mailbox(es), {report.Messages} message(s), {report.Attachments} attachment(s) ({stats.StoredBytes} bytes stored for {stats.ReferencedBytes} referenced)")).ConfigureAwait(false);
        foreach (var problem in report.Problems)
        {
            await output.WriteLineAsync("DAMAGE [" + problem.Kind + "] " + problem.Description).ConfigureAwait(false);
        }

        await output.WriteLineAsync(report.IsConsistent ? "store is consistent" : string.Create(CultureInfo.InvariantCulture, $"{report.Problems.Count} problem(s) found")).ConfigureAwait(false);
        return report.IsConsistent ? Ok : Failed;
    }

    private static Dictionary<string, string> ParseOptions(ReadOnlySpan<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
            {
                throw new UsageException("unexpected argument: " + arg);
            }

            var name = arg[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                options[name[..eq]] = name[(eq + 1)..];
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new UsageException("--" + name + " needs a value.");
            }

            options[name] = args[++i];
        }

        foreach (var key in options.Keys)
        {
            if (key is not ("password" or "address" or "quota"))
            {
                throw new UsageException("unknown option --" + key);
            }
        }

        return options;
    }

    private sealed class UsageException(string message) : Exception(message);
}

// SPDX-License-Identifier: MIT
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using WildDuck.Storage.MongoDB.Internal;

namespace WildDuck.Storage.MongoDB.Tests;

/// <summary>Options, registration, start-up and error mapping, without a server.</summary>
public sealed class InfrastructureTests
{
    private const string Unreachable = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1000";

    private static MongoMailStore UnreachableStore() => new(
        Options.Create(new MongoStorageOptions { ConnectionString = Unreachable }),
        Options.Create(new WildDuckOptions()),
        new Notifications.InProcessChangeNotifier(),
        new Security.PasswordHasher(Options.Create(new WildDuckOptions())));

    private static ValidateOptionsResult Validate(Action<MongoStorageOptions> configure)
    {
        var options = new MongoStorageOptions { ConnectionString = "mongodb://127.0.0.1:27017" };
        configure(options);
        return new MongoStorageOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void Valid_options_pass_and_bad_ones_fail_with_the_setting_named()
    {
        Validate(_ => { }).Succeeded.Should().BeTrue();
        Validate(o => { o.UsersDatabase = "wildduck-users"; o.AttachmentsDatabase = "mongodb://files.example.net:27017/gridfs"; }).Succeeded.Should().BeTrue();

        Validate(o => o.ConnectionString = "").FailureMessage.Should().Contain("WildDuck:Storage:MongoDB:ConnectionString must be set");
        Validate(o => o.ConnectionString = "http://nope").FailureMessage.Should().Contain("ConnectionString is not a valid MongoDB connection string");
        Validate(o => o.Database = "a.b").FailureMessage.Should().Contain("Database 'a.b' is not a valid database name");
        Validate(o => o.UsersDatabase = "mongodb://").FailureMessage.Should().Contain("UsersDatabase is neither a database name nor a valid MongoDB connection string");
        Validate(o => o.AttachmentBucket = "").FailureMessage.Should().Contain("AttachmentBucket");
        Validate(o => o.MessagesQueryTimeLimit = TimeSpan.Zero).FailureMessage.Should().Contain("MessagesQueryTimeLimit must be positive");
        Validate(o => o.JournalExpiry = TimeSpan.FromSeconds(-1)).FailureMessage.Should().Contain("JournalExpiry must not be negative");
        Validate(o => o.UseTransactions = (MongoTransactionMode)7).FailureMessage.Should().Contain("UseTransactions");
        Validate(o => o.MaxMessagesPerTransaction = 0).FailureMessage.Should().Contain("MaxMessagesPerTransaction must be between 1 and 100000");
        Validate(o => o.MaxMessagesPerTransaction = 100_001).FailureMessage.Should().Contain("MaxMessagesPerTransaction");
        Validate(o => o.MaxMessagesPerTransaction = 1).Succeeded.Should().BeTrue();
        new MongoStorageOptions().MaxMessagesPerTransaction.Should().Be(1000);
    }

    [Fact]
    public void A_users_or_attachments_target_with_a_colon_or_slash_is_a_separate_connection()
    {
        MongoStorageOptionsValidator.IsConnectionUrl("wildduck-users").Should().BeFalse();
        MongoStorageOptionsValidator.IsConnectionUrl("mongodb://other:27017/users").Should().BeTrue();

        using var context = new MongoContext(
            new MongoStorageOptions { ConnectionString = Unreachable, Database = "main", UsersDatabase = "people", AttachmentsDatabase = "mongodb://127.0.0.1:2/files" },
            (_, _) => Task.CompletedTask);

        context.UsersDatabase.DatabaseNamespace.DatabaseName.Should().Be("people");
        context.UsersShareMainClient.Should().BeTrue();
        context.AttachmentsDatabase.DatabaseNamespace.DatabaseName.Should().Be("files");
        context.AttachmentsShareMainClient.Should().BeFalse();
        context.Attachments.Options.BucketName.Should().Be("attachments");
        context.Users.CollectionNamespace.CollectionName.Should().Be("users");
        context.DomainAliases.Database.DatabaseNamespace.DatabaseName.Should().Be("people");
        context.Journal.Database.DatabaseNamespace.DatabaseName.Should().Be("main");
    }

    [Fact]
    public void The_server_selection_timeout_of_the_url_wins_over_the_option()
    {
        MongoContext.Settings("mongodb://h:1/?serverSelectionTimeoutMS=1500", TimeSpan.FromSeconds(10)).ServerSelectionTimeout.Should().Be(TimeSpan.FromMilliseconds(1500));
        MongoContext.Settings("mongodb://h:1/", TimeSpan.FromSeconds(7)).ServerSelectionTimeout.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void Transactions_are_available_on_replica_sets_and_sharded_clusters_only()
    {
        MongoContext.IsReplicaSetOrSharded(Rendered.Json("{ isWritablePrimary: true, setName: 'rs0' }")).Should().BeTrue();
        MongoContext.IsReplicaSetOrSharded(Rendered.Json("{ isWritablePrimary: true, msg: 'isdbgrid' }")).Should().BeTrue();
        MongoContext.IsReplicaSetOrSharded(Rendered.Json("{ isWritablePrimary: true }")).Should().BeFalse();
    }

    [Fact]
    public void UseMongoDBStorage_registers_one_store_for_every_contract_and_the_start_up_check()
    {
        var services = new ServiceCollection();
        services.AddWildDuck().UseMongoDBStorage(o => o.ConnectionString = Unreachable);
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<MongoMailStore>();
        provider.GetRequiredService<IUserStore>().Should().BeSameAs(store);
        provider.GetRequiredService<IMailboxStore>().Should().BeSameAs(store);
        provider.GetRequiredService<IMessageStore>().Should().BeSameAs(store);
        provider.GetRequiredService<IJournal>().Should().BeSameAs(store);
        provider.GetRequiredService<IAttachmentStore>().Should().BeSameAs(store);
        provider.GetRequiredService<IAttachmentContentSource>().Should().BeSameAs(store);
        provider.GetRequiredService<IFilterStore>().Should().BeSameAs(store);
        provider.GetRequiredService<IAutoreplyStore>().Should().BeSameAs(store);
        provider.GetRequiredService<IOutboundQueue>().Should().BeSameAs(store);
        provider.GetRequiredService<IStoreMaintenance>().Should().BeSameAs(store);
        provider.GetServices<IHostedService>().Should().ContainSingle(s => s is MongoStartupService);
        provider.GetServices<IHostedService>().Should().ContainSingle(s => s is MongoJournalWatcher);
    }

    [Fact]
    public void The_journal_watcher_streams_only_the_user_of_inserted_entries()
    {
        Rendered.Pipeline(MongoJournalWatcher.Pipeline(), new ChangeStreamDocumentSerializer<Documents.JournalDocument>(global::MongoDB.Bson.Serialization.BsonSerializer.LookupSerializer<Documents.JournalDocument>())).ShouldBe(new BsonArray
        {
            Rendered.Json("{ $match: { operationType: 'insert' } }"),
            Rendered.Json("{ $project: { operationType: 1, ns: 1, documentKey: 1, 'fullDocument.user': 1 } }"),
        });
    }

    [Fact]
    public async Task The_journal_watcher_stops_quietly_when_the_server_is_unreachable()
    {
        using var store = UnreachableStore();
        using var watcher = new MongoJournalWatcher(store, new Notifications.InProcessChangeNotifier());

        await watcher.StartAsync(CancellationToken.None);

        await watcher.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(15));
        watcher.ExecuteTask.IsCompletedSuccessfully.Should().BeTrue("start-up reports the unreachable server, not the watcher");
    }

    [Fact]
    public async Task Start_up_against_an_unreachable_server_fails_within_the_timeout_with_one_line()
    {
        var services = new ServiceCollection();
        services.AddWildDuck().UseMongoDBStorage(o => o.ConnectionString = Unreachable);
        using var provider = services.BuildServiceProvider();
        var startup = provider.GetServices<IHostedService>().OfType<MongoStartupService>().Single();
        var clock = Stopwatch.StartNew();

        var failure = await FluentActions.Awaiting(() => startup.StartAsync(CancellationToken.None)).Should().ThrowAsync<InvalidOperationException>();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15));
        failure.Which.Message.Should().Be("MongoDB is unreachable at 127.0.0.1:1: no server answered within 1 s.");
    }

    [Fact]
    public async Task An_operation_against_an_unreachable_server_is_a_storage_error_not_a_driver_exception()
    {
        using var store = UnreachableStore();

        var failure = await FluentActions.Awaiting(() => store.GetUserAsync(UserId.NewId())).Should().ThrowAsync<StorageException>();

        failure.Which.Error.Should().Be(StorageError.Unavailable);
        failure.Which.Message.Should().StartWith("MongoDB is unreachable at 127.0.0.1:1");
    }

    [Fact]
    public void Driver_errors_map_to_storage_errors()
    {
        var connection = new ConnectionId(new ServerId(new ClusterId(1), new DnsEndPoint("localhost", 27017)));
        var duplicate = new MongoCommandException(connection, "E11000 duplicate key", new BsonDocument(), new BsonDocument("code", 11000));

        MongoMailStore.Translate(duplicate)!.Error.Should().Be(StorageError.AlreadyExists);
        MongoMailStore.IsDuplicateKey(duplicate).Should().BeTrue();
        MongoMailStore.Translate(new MongoConnectionException(connection, "reset"))!.Error.Should().Be(StorageError.Unavailable);
        MongoMailStore.Translate(new TimeoutException("no server"))!.Error.Should().Be(StorageError.Unavailable);
        MongoMailStore.Translate(new StorageException(StorageError.NotFound, "x")).Should().BeNull("storage errors pass unchanged");
        MongoMailStore.Translate(new OperationCanceledException()).Should().BeNull();
        MongoMailStore.Translate(new InvalidOperationException()).Should().BeNull();
    }

    [Fact]
    public void The_unreachable_message_names_the_servers_but_never_the_credentials()
    {
        var message = MongoMailStore.UnreachableMessage("mongodb://admin:secret@db1:27017,db2:27018/?replicaSet=rs0", TimeSpan.FromSeconds(10), new TimeoutException("long\nmultiline"));

        message.Should().Be("MongoDB is unreachable at db1:27017,db2:27018: no server answered within 10 s.");
        message.Should().NotContain("secret");
    }
}

using GameServer.Host;

var app = EmbeddedServer.Build(args);
await app.RunAsync();

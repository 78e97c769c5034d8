using IngestLayer.Host;

var app = IngestLayerHost.Create(args);
await app.RunAsync();

using IngestLayer.Host;

if (args is [MigrateCommand.Name, .. var rest])
{
    return await MigrateCommand.RunAsync(rest);
}

var app = IngestLayerHost.Create(args);
await app.RunAsync();
return 0;

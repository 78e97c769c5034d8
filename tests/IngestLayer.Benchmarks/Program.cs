using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/IngestLayer.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

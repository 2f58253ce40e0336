using BenchmarkDotNet.Running;
using GameServer.Benchmarks;

if (args.Length > 0 && args[0] == "capacity")
{
    return await CapacityProbe.RunAsync(args[1..]);
}
BenchmarkSwitcher.FromAssembly(typeof(TickPathBenchmarks).Assembly).Run(args);
return 0;

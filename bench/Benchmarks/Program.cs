using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(EventBot.Benchmarks.CodecBenchmarks).Assembly).Run(args);

using EventBot.Bench;

return await BenchCommand.Build().Parse(args).InvokeAsync();

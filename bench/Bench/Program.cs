using EventBot.Bench;

// The Lambda cold-start child starts here, before any command-line parsing, as close to a bare runtime as the bench gets.
if (args is [StartupScenarios.LambdaColdArg, _, _]) return await StartupScenarios.LambdaColdChildAsync(args);
return await BenchCommand.Build().Parse(args).InvokeAsync();

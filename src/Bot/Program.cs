using System.CommandLine;
using EventBot.Bot.Cli;
using EventBot.Bot.Hosting;

StartupTrace.Mark("main");

// The executable is the bot (no verb) and the operator's CLI (verbs).
// With no arguments only the root is built: the bot starts without the verbs' start-up work.
return await (args.Length == 0 ? Verbs.Root() : Verbs.Build()).Parse(args).InvokeAsync();

using System.CommandLine;
using EventBot.Bot.Cli;

// The executable is the bot (no verb) and the operator's CLI (verbs).
return await Verbs.Build().Parse(args).InvokeAsync();

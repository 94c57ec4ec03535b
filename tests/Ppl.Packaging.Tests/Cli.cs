using System.Diagnostics;
using Ppl.Tests.Shared;
using Xunit;

namespace Ppl.Packaging.Tests;

/// <summary>Runs the dotnet CLI for a test, as a user would in a shell: both streams captured, killed after a timeout.</summary>
internal static class Cli
{
    /// <summary>What a command printed (standard output, then standard error) and its exit code.</summary>
    public sealed record Result(int ExitCode, string Output);

    /// <summary>Runs <c>dotnet args</c> in <paramref name="workingDirectory"/> and fails the test with its output when it exits non-zero.</summary>
    public static string Dotnet(string workingDirectory, params string[] args)
    {
        var result = Run(workingDirectory, null, args);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result.Output;
    }

    /// <summary>Runs <c>dotnet args</c> with extra environment variables and returns its exit code and output, whatever the code.</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (args[0] is "msbuild" or "build" or "pack") info.ArgumentList.Add("-nodeReuse:false");   // no build server outlives the test
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        // The test host runs under `dotnet test`: its MSBuild settings must not leak into a separate build, and
        // NUGET_PACKAGES would override the packages folder the temp NuGet.Config names.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly", "NUGET_PACKAGES" })
            info.Environment.Remove(name);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;

        var outcome = ChildProcess.Run(info, TimeSpan.FromMinutes(6), $"dotnet {string.Join(' ', args)}");
        return new Result(outcome.ExitCode, outcome.Stdout + outcome.Stderr);
    }
}

using System.Diagnostics;
using Ppl.Tests.Shared;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>Runs a child process to completion for a test: both streams captured, killed and failed after a timeout, failed on a non-zero exit.</summary>
internal static class ProcessRunner
{
    /// <summary>Starts <paramref name="info"/> (its streams must be redirected) and returns its standard output.</summary>
    public static string Run(ProcessStartInfo info, TimeSpan timeout, string label)
    {
        var outcome = ChildProcess.Run(info, timeout, label);
        Assert.True(outcome.ExitCode == 0, $"{label} exited {outcome.ExitCode}:\n{outcome.Stdout}\n{outcome.Stderr}");
        return outcome.Stdout;
    }
}

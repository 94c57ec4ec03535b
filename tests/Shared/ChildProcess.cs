using System.Diagnostics;
using System.Text;
using Xunit;

namespace Ppl.Tests.Shared;

/// <summary>Runs a child process for a test: both streams captured while it runs, killed and failed after a timeout.</summary>
internal static class ChildProcess
{
    /// <summary>What the process printed on each stream, and its exit code.</summary>
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Starts <paramref name="info"/> (its streams must be redirected) and waits for it, at most <paramref name="timeout"/>.</summary>
    public static Outcome Run(ProcessStartInfo info, TimeSpan timeout, string label)
    {
        using var process = Process.Start(info)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{label} did not finish in {timeout.TotalMinutes:0} minutes.\n{stdout}\n{stderr}");
        }
        // The parameterless wait also drains the asynchronous stream readers.
        process.WaitForExit();
        return new Outcome(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

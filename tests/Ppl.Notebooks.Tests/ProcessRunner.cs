using System.Diagnostics;
using System.Text;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>Runs a child process to completion for a test: both streams captured, killed and failed after a timeout, failed on a non-zero exit.</summary>
internal static class ProcessRunner
{
    /// <summary>Starts <paramref name="info"/> (its streams must be redirected) and returns its standard output.</summary>
    public static string Run(ProcessStartInfo info, TimeSpan timeout, string label)
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
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{label} exited {process.ExitCode}:\n{stdout}\n{stderr}");
        return stdout.ToString();
    }
}

using System.Runtime.CompilerServices;

namespace Ppl.Inference.Tests;

/// <summary>
/// The stress mode of <c>bench/stress.sh</c>: with <c>PPL_STRESS_GC_MS</c> set to a positive number of
/// milliseconds, a background thread forces a full garbage collection and waits for the finalizers every that
/// many milliseconds while the tests run. Native memory that a finalizer frees while a libtorch call still reads
/// it (a TorchSharp <c>Scalar</c> that nothing keeps alive: see <see cref="TensorArithmetic"/>) then fails a
/// test within a few rounds instead of once in a while. Unset (as in CI), nothing happens.
/// </summary>
internal static class StressGc
{
    /// <summary>The environment variable read.</summary>
    public const string Variable = "PPL_STRESS_GC_MS";

#pragma warning disable CA2255 // A test assembly's own start-up hook: the module initializer runs before the first test does.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Start()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable(Variable), out var interval) || interval <= 0) return;
        var thread = new Thread(() =>
        {
            while (true)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Thread.Sleep(interval);
            }
        })
        { IsBackground = true, Name = "ppl-stress-gc" };
        thread.Start();
    }
}

using TorchSharp;
using Xunit;

namespace Ppl.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void EnsureLoaded_loads_once_and_a_thread_count_set_afterwards_applies_at_once()
    {
        TorchRuntime.EnsureLoaded();
        TorchRuntime.EnsureLoaded();
        Assert.True(TorchRuntime.IsLoaded);
        var before = TorchRuntime.Threads;
        try
        {
            TorchRuntime.Threads = 2;
            Assert.Equal(2, torch.get_num_threads());
        }
        finally
        {
            TorchRuntime.Threads = before;
            torch.set_num_threads(1);
        }
    }

    [Fact]
    public void A_thread_count_below_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => TorchRuntime.Threads = 0);

    [Theory]
    // What glibc's loader says, as .NET's DllNotFoundException quotes it.
    [InlineData("Unable to load shared library '/app/runtimes/linux-x64/native/libLibTorchSharp.so' or one of its dependencies. If you're using glibc, consider setting the LD_DEBUG environment variable: \n/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by /app/runtimes/linux-x64/native/libLibTorchSharp.so)",
        "libstdc++.so.6 (GLIBCXX_3.4.32)")]
    [InlineData("Unable to load shared library '/app/libtorch.so' or one of its dependencies. ...: \nlibgomp-98b21ff3.so.1: cannot open shared object file: No such file or directory", "libgomp-98b21ff3.so.1")]
    [InlineData("Unable to load shared library 'x': something else", null)]
    public void The_missing_library_is_read_from_the_loaders_message(string loaderError, string? missing) =>
        Assert.Equal(missing, TorchRuntime.MissingFrom(loaderError));

    [Fact]
    public void Where_both_libraries_load_the_diagnosis_names_no_missing_library()
    {
        TorchRuntime.EnsureLoaded();
        var (message, missing) = TorchRuntime.Diagnose(new NotSupportedException("test"));
        Assert.Null(missing);
        Assert.Contains("both load by themselves", message, StringComparison.Ordinal);
    }
}

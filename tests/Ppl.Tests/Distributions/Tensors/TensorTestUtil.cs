using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

internal static class TensorTestUtil
{
    public static void Init() => torch.set_num_threads(1);

    public static double[] D(Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    public static Tensor T(params double[] xs) => tensor(xs, ScalarType.Float64);

    public static Tensor T(double[] xs, long[] shape) => tensor(xs, shape, ScalarType.Float64);

    /// <summary>Uniform doubles in [lo, hi) from a seeded stream.</summary>
    public static double[] U(Rng rng, int n, double lo, double hi) => Enumerable.Range(0, n).Select(_ => lo + (hi - lo) * rng.NextDouble()).ToArray();

    public static void Close(double expected, double actual, double relTol, double absTol, string what)
    {
        var tol = absTol + relTol * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tol || (double.IsNegativeInfinity(expected) && double.IsNegativeInfinity(actual)),
            $"{what}: expected {expected:R}, got {actual:R} (tol {tol:G3})");
    }
}

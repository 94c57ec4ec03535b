using Ppl.Distributions.Tensors;
using Xunit;
using static Ppl.Tests.Distributions.Tensors.TensorTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>
/// The support check of Bernoulli observations reads CPU memory in place (SIMD blocks, then a scalar tail)
/// and otherwise uses torch operations: every path must accept exactly the all-0/1 tensors. The expected
/// answer of each case is decided here element by element in C#.
/// </summary>
public class BinaryValuesTests
{
    public BinaryValuesTests() => Init();

    private static bool Expected(IEnumerable<double> xs) => xs.All(x => x == 0 || x == 1);

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void One_bad_element_anywhere_is_found_in_every_length_and_position(ScalarType dtype)
    {
        var rng = new Rng(3);
        // Lengths around the vector width, the 64-vector block and a large tensor; bad values that are near
        // 0 or 1, NaN, infinities and a negative one.
        var bads = new[] { 0.5, 2.0, -1.0, 1e-30, 1 - 1e-7, double.NaN, double.PositiveInfinity, double.NegativeInfinity };
        foreach (var n in new[] { 1, 3, 7, 8, 9, 16, 17, 511, 512, 513, 1025, 100_003 })
        {
            var xs = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < 0.3 ? 1.0 : 0.0).ToArray();
            Assert.True(BinaryValues.All(tensor(xs, dtype)), $"n = {n}: all binary");
            foreach (var pos in new[] { 0, n / 2, n - 1 }.Distinct())
            {
                var bad = bads[rng.Next(bads.Length)];
                var ys = (double[])xs.Clone();
                ys[pos] = bad;
                // A float32 1 − 1e−7 rounds to a float32 below 1: still not binary, so still false.
                Assert.Equal(Expected(ys.Select(y => dtype == ScalarType.Float32 ? (double)(float)y : y)), BinaryValues.All(tensor(ys, dtype)));
                Assert.False(BinaryValues.All(tensor(ys, dtype)), $"n = {n}, value {bad} at {pos}");
            }
        }
    }

    [Fact]
    public void Negative_zero_counts_as_zero_and_empty_tensors_are_binary()
    {
        Assert.True(BinaryValues.All(tensor(new[] { -0.0, 1.0, 0.0 })));
        Assert.True(BinaryValues.All(tensor(Enumerable.Repeat(-0f, 40).ToArray())));
        Assert.True(BinaryValues.All(zeros(0)));
    }

    [Fact]
    public void Views_offsets_and_other_dtypes_are_checked_on_their_own_elements()
    {
        // A slice whose storage holds a bad value outside the slice: only the slice's elements count.
        var storage = tensor(new float[] { 0.5f, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0.5f });
        Assert.True(BinaryValues.All(storage[1..10]));
        Assert.False(BinaryValues.All(storage[1..11]));
        Assert.False(BinaryValues.All(storage[..5]));
        // A transposed (non-contiguous) view goes through torch.
        var m = tensor(new double[] { 0, 1, 1, 0, 1, 0 }, [2, 3]);
        Assert.True(BinaryValues.All(m.t()));
        m[1, 2] = tensor(0.25);
        Assert.False(BinaryValues.All(m.t()));
        // Half precision and integers take the torch path too.
        Assert.True(BinaryValues.All(tensor(new double[] { 0, 1, 1 }).to_type(ScalarType.Float16)));
        Assert.False(BinaryValues.All(tensor(new double[] { 0, 1, 0.5 }).to_type(ScalarType.Float16)));
        Assert.False(BinaryValues.All(tensor(new long[] { 0, 1, 2 })));
    }

    [Fact]
    public void A_large_bernoulli_observation_with_one_bad_pixel_scores_minus_infinity()
    {
        // The VAE shape: [64, 784] logits and values; one value of 0.5 must send the fused sum to −∞.
        var logits = randn(64, 784, generator: new TorchSharp.torch.Generator(5));
        var x = rand(new long[] { 64, 784 }, generator: new TorchSharp.torch.Generator(6)).Lt(0.2).to_type(ScalarType.Float32);
        var d = new Bernoulli(logits: logits);
        var exact = D(logits * x - logits.Softplus()).Sum();
        Assert.Equal(exact, D(d.LogProbSum(x))[0], 1);
        x[40, 700] = tensor(0.5f);
        Assert.True(double.IsNegativeInfinity(D(d.LogProbSum(x))[0]));
    }
}

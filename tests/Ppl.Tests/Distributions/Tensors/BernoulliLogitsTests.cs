using Ppl.Distributions.Tensors;
using Xunit;
using static Ppl.Tests.Distributions.Tensors.TensorTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>
/// Bernoulli with logits scores all-binary values with a fused formula (log σ((2x − 1)·l)) and falls back to
/// masking otherwise; both must agree with x·l − log(1 + eˡ) computed in C#, including at infinite logits.
/// </summary>
public class BernoulliLogitsTests
{
    public BernoulliLogitsTests() => Init();

    private static double Exact(double l, double x) =>
        double.IsNegativeInfinity(l) ? (x == 0 ? 0 : double.NegativeInfinity)
        : x * l - (l > 0 ? l + Math.Log(1 + Math.Exp(-l)) : Math.Log(1 + Math.Exp(l)));

    [Fact]
    public void Binary_values_match_the_closed_form_in_both_dtypes_and_with_broadcasting()
    {
        var logits = new[] { -30.0, -2.5, -0.1, 0.0, 0.7, 3.0, 40.0, double.NegativeInfinity };
        var xs = new[] { 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0 };
        var lp = D(new Bernoulli(logits: T(logits)).LogProb(T(xs)));
        for (var i = 0; i < xs.Length; i++) Assert.Equal(Exact(logits[i], xs[i]), lp[i], 10);
        // float32, and a [2, 8] value against [8] logits.
        var both = tensor(xs.Concat(xs.Select(x => 1 - x)).ToArray(), [2, xs.Length], ScalarType.Float32);
        var lp32 = D(new Bernoulli(logits: tensor(logits, ScalarType.Float32)).LogProb(both));
        for (var i = 0; i < 2 * xs.Length; i++)
        {
            var e = Exact(logits[i % xs.Length], i < xs.Length ? xs[i] : 1 - xs[i % xs.Length]);
            if (double.IsInfinity(e)) Assert.Equal(e, lp32[i]);
            else Assert.Equal(e, lp32[i], 4);
        }
        // x = 1 at l = −∞ has probability zero.
        Assert.True(double.IsNegativeInfinity(D(new Bernoulli(logits: T(double.NegativeInfinity)).LogProb(T(1.0)))[0]));
    }

    [Fact]
    public void Gradient_in_the_logits_is_x_minus_sigmoid()
    {
        var l = T(-1.5, 0.2, 2.0).requires_grad_(true);
        var xs = new[] { 1.0, 0.0, 1.0 };
        new Bernoulli(logits: l).LogProb(T(xs)).sum().backward();
        var g = D(l.grad!);
        var ls = new[] { -1.5, 0.2, 2.0 };
        for (var i = 0; i < 3; i++) Assert.Equal(xs[i] - 1 / (1 + Math.Exp(-ls[i])), g[i], 12);
    }

    [Fact]
    public void Any_non_binary_value_scores_minus_infinity_only_there()
    {
        // Values next to 0 and 1 (1e−10, the float32 neighbours of 1) are outside the support too.
        var lp = D(new Bernoulli(logits: T(0.3)).LogProb(T(1.0, 1e-10, 0.0, 0.5, 2.0, -1.0, 1 + 1e-15)));
        Assert.Equal(Exact(0.3, 1), lp[0], 12);
        Assert.Equal(Exact(0.3, 0), lp[2], 12);
        foreach (var i in new[] { 1, 3, 4, 5, 6 }) Assert.True(double.IsNegativeInfinity(lp[i]), $"value {i}: {lp[i]}");
        var near = tensor(new[] { 1f, BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1f) - 1), 1e-30f });
        var lp32 = D(new Bernoulli(logits: tensor(0.3f)).LogProb(near));
        Assert.True(double.IsFinite(lp32[0]));
        Assert.True(double.IsNegativeInfinity(lp32[1]) && double.IsNegativeInfinity(lp32[2]), string.Join(", ", lp32));
    }

    [Fact]
    public void Summed_log_density_matches_the_closed_form_sum_and_its_gradient()
    {
        // LogProbSum takes the fused BCE-with-logits path for a binary value of the logits' shape and finite
        // logits; −∞ logits, non-binary values and broadcasting fall back to the elementwise sum.
        var logits = new[] { -30.0, -2.5, -0.1, 0.0, 0.7, 3.0, 40.0 };
        var xs = new[] { 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0 };
        var exact = xs.Select((x, i) => Exact(logits[i], x)).Sum();
        var l = T(logits).requires_grad_(true);
        var sum = new Bernoulli(logits: l).LogProbSum(T(xs));
        Assert.Equal(0, sum.dim());
        Assert.Equal(exact, D(sum)[0], 9);
        sum.backward();
        var g = D(l.grad!);
        for (var i = 0; i < xs.Length; i++) Assert.Equal(xs[i] - 1 / (1 + Math.Exp(-logits[i])), g[i], 12);
        var l32 = tensor(logits, ScalarType.Float32);
        Assert.Equal(exact, D(new Bernoulli(logits: l32).LogProbSum(tensor(xs, ScalarType.Float32)))[0], 2);
        // Finite logits with −∞ among them: x = 0 there scores log 1 = 0, x = 1 scores −∞.
        var withInf = T(-1.0, double.NegativeInfinity);
        Assert.Equal(Exact(-1.0, 1), D(new Bernoulli(logits: withInf).LogProbSum(T(1.0, 0.0)))[0], 12);
        Assert.True(double.IsNegativeInfinity(D(new Bernoulli(logits: withInf).LogProbSum(T(1.0, 1.0)))[0]));
        // Any value outside {0, 1} makes the sum −∞ (a fused formula without the support check would not).
        Assert.True(double.IsNegativeInfinity(D(new Bernoulli(logits: T(logits)).LogProbSum(T(xs.Select((x, i) => i == 3 ? 0.5 : x).ToArray())))[0]));
        // A value broadcast against the logits: [2, 7] against [7].
        var two = T(xs.Concat(xs).ToArray()).reshape(2, xs.Length);
        Assert.Equal(2 * exact, D(new Bernoulli(logits: T(logits)).LogProbSum(two))[0], 9);
    }

    [Fact]
    public void Nan_and_positive_infinite_logits_are_rejected_even_next_to_minus_infinity()
    {
        Assert.Contains("NaN", Assert.Throws<DistributionParameterException>(() => new Bernoulli(logits: T(0.0, double.NaN)).LogProb(T(1.0, 1.0))).Message);
        Assert.Contains("+inf", Assert.Throws<DistributionParameterException>(() => new Bernoulli(logits: T(double.NegativeInfinity, double.PositiveInfinity)).LogProb(T(0.0, 1.0))).Message);
        Assert.Null(new Bernoulli(logits: T(double.NegativeInfinity, 5.0)).ParameterError);
    }
}

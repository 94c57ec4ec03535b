using Xunit;

namespace Ppl.Tests.Random;

/// <summary>
/// The ziggurat normal sampler against the exact normal distribution: a chi-square goodness-of-fit test
/// over equal-probability bins whose outermost bins are split at the ziggurat's tail edge R and at ±4, so
/// the rectangle, wedge and tail branches are each checked. A 1% error in the scale fails the same test.
/// </summary>
public class ZigguratTests
{
    private const int Draws = 400_000;

    private static double[] BinEdges()
    {
        var edges = new List<double>();
        for (var k = 1; k < 40; k++) edges.Add(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, k / 40.0));
        edges.AddRange([-4.0, -3.442619855899, 3.442619855899, 4.0]);
        edges.Sort();
        return edges.ToArray();
    }

    private static double ChiSquare(Func<double> draw)
    {
        var edges = BinEdges();
        var counts = new int[edges.Length + 1];
        for (var n = 0; n < Draws; n++)
        {
            var x = draw();
            Assert.True(double.IsFinite(x));
            var bin = Array.BinarySearch(edges, x);
            counts[bin >= 0 ? bin + 1 : ~bin]++;
        }
        double stat = 0;
        for (var b = 0; b < counts.Length; b++)
        {
            var lo = b == 0 ? 0 : MathNet.Numerics.Distributions.Normal.CDF(0, 1, edges[b - 1]);
            var hi = b == edges.Length ? 1 : MathNet.Numerics.Distributions.Normal.CDF(0, 1, edges[b]);
            var expected = Draws * (hi - lo);
            stat += (counts[b] - expected) * (counts[b] - expected) / expected;
        }
        return stat;
    }

    private static double Critical(int bins) =>
        MathNet.Numerics.Distributions.ChiSquared.InvCDF(bins - 1, 1 - 1e-4);

    [Fact]
    public void NormalDrawsFitTheNormalDistribution_AndAOnePercentScaleErrorDoesNot()
    {
        var bins = BinEdges().Length + 1;
        var rng = new Rng(2026);
        Assert.True(ChiSquare(rng.NextGaussian) < Critical(bins));

        var control = new Rng(2026);
        Assert.True(ChiSquare(() => 1.01 * control.NextGaussian()) > Critical(bins));
    }

    [Fact]
    public void TailBeyondTheBaseLayerHasTheNormalMass()
    {
        // P(|Z| > 3.5) ≈ 4.65e-4: only the tail branch produces these draws.
        var rng = new Rng(99);
        const int n = 2_000_000;
        var beyond = 0;
        for (var i = 0; i < n; i++) if (Math.Abs(rng.NextGaussian()) > 3.5) beyond++;
        var p = 2 * (1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, 3.5));
        var se = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(beyond, n * p - 5 * se, n * p + 5 * se);
    }
}

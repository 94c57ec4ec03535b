using Xunit;

namespace Ppl.Tests.Random;

public class RngTests
{
    [Fact]
    public void SameSeedSameStream_SplitStreamsDiffer()
    {
        var a = new Rng(7);
        var b = new Rng(7);
        for (var i = 0; i < 10; i++) Assert.Equal(a.NextUInt64(), b.NextUInt64());
        var s1 = a.Split();
        var s2 = a.Split();
        Assert.NotEqual(s1.NextUInt64(), s2.NextUInt64());
        var c = a.Clone();
        Assert.Equal(a.NextDouble(), c.NextDouble());
    }

    [Fact]
    public void UniformDrawsHaveTheRightMeanAndVariance()
    {
        var rng = new Rng(11);
        const int n = 200_000;
        double s = 0, s2 = 0;
        for (var i = 0; i < n; i++)
        {
            var u = rng.NextDouble();
            Assert.InRange(u, 0.0, 1.0);
            s += u;
            s2 += u * u;
        }
        var mean = s / n;
        var variance = s2 / n - mean * mean;
        Assert.True(Math.Abs(mean - 0.5) < 5 * Math.Sqrt(1.0 / 12 / n));
        Assert.True(Math.Abs(variance - 1.0 / 12) < 5 * Math.Sqrt(1.0 / 180 / n));
    }

    [Fact]
    public void DrawIndexFollowsTheWeights()
    {
        var rng = new Rng(3);
        var w = new[] { 0.5, 0.0, 1.5 };
        var counts = new int[3];
        const int n = 100_000;
        for (var i = 0; i < n; i++) counts[rng.DrawIndex(w)]++;
        Assert.Equal(0, counts[1]);
        var p = 0.25;
        Assert.True(Math.Abs(counts[0] / (double)n - p) < 5 * Math.Sqrt(p * (1 - p) / n));
        Assert.Throws<ArgumentException>(() => rng.DrawIndex(new[] { 0.0, 0.0 }));
        Assert.Throws<ArgumentException>(() => rng.DrawIndex(new[] { double.NaN }));
    }

    [Fact]
    public void BoundedIntegersAreUnbiased()
    {
        var rng = new Rng(5);
        var counts = new int[3];
        const int n = 90_000;
        for (var i = 0; i < n; i++) counts[rng.Next(3)]++;
        foreach (var c in counts) Assert.True(Math.Abs(c / (double)n - 1.0 / 3) < 5 * Math.Sqrt(2.0 / 9 / n));
    }
}

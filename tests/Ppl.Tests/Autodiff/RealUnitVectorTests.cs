using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// <see cref="RealUnitVector"/> and <see cref="RealVonMisesFisher"/>: the unit-vector transform on the tape against the
/// double bijector, and the von Mises–Fisher log density with its adjustment, as a function of κ and of unconstrained
/// coordinates for both x and μ (x = y/‖y‖, μ = z/‖z‖), against the double family and five-point finite differences.
/// </summary>
public class RealUnitVectorTests
{
    private static double[] Normalise(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (var a in v) s += a * a;
        var r = new double[v.Length];
        for (var i = 0; i < v.Length; i++) r[i] = v[i] / Math.Sqrt(s);
        return r;
    }

    [Fact]
    public void TheTransformMatchesTheDoubleBijector()
    {
        double[] y = [0.4, -1.3, 0.2, 2.0];
        var tape = Tape.Current;
        tape.Reset();
        var v = y.Select(tape.Variable).ToArray();
        Real logJ = 0.0;
        var d = RealDist.UnitVector(4);
        var x = d.Constrain(v, ref logJ);
        var b = new UnitVectorBijector(4);
        var expected = b.Forward(y);
        for (var i = 0; i < 4; i++) Close(expected[i], x[i].Value, 1e-15, $"x[{i}]");
        Close(b.LogAbsDetJacobian(y), logJ.Value, 1e-15, "adjustment");
        Close(Dist.UnitVector(4).LogDensity(expected), d.LogDensity(x).Value, 1e-15, "density");
        // d x₀/d y: (e₀ − x₀x)/‖y‖.
        tape.Backward(x[0]);
        var norm = Math.Sqrt(y.Sum(a => a * a));
        for (var i = 0; i < 4; i++) Close(((i == 0 ? 1 : 0) - expected[0] * expected[i]) / norm, tape.Adjoint(v[i]), 1e-14, $"dx₀/dy[{i}]");
        var back = new double[4];
        d.Unconstrain(expected, back);
        for (var i = 0; i < 4; i++) Close(expected[i], back[i], 1e-15, $"u[{i}]");
        Assert.Equal(4, d.UnconstrainedLength);
        Assert.True(double.IsNaN(RealDist.UnitVector(1).LogDensity(new Real[] { 1.0 }).Value));
    }

    /// <summary>p = (κ, y, z): log vMF(z/‖z‖, κ) at y/‖y‖, minus ½‖y‖².</summary>
    private static double DoubleTarget(double[] p, int n) =>
        Dist.VonMisesFisher(Normalise(p.AsSpan(1 + n, n)), p[0]).LogDensity(Normalise(p.AsSpan(1, n))) - 0.5 * p.Skip(1).Take(n).Sum(a => a * a);

    [Theory]
    [InlineData(3, 0.3)]
    [InlineData(3, 4.0)]
    [InlineData(5, 40.0)]
    [InlineData(2, 1.5)]
    public void VonMisesFisherValueAndGradientMatchTheDoubleFamilyAndFiniteDifferences(int n, double kappa)
    {
        var rng = new Rng(7 + n);
        var p = new double[1 + 2 * n];
        p[0] = kappa;
        for (var i = 1; i < p.Length; i++) p[i] = rng.NextGaussian() + (i == 1 || i == 1 + n ? 1.5 : 0);
        var tape = Tape.Current;
        tape.Reset();
        var v = p.Select(tape.Variable).ToArray();
        Real ignored = 0.0;
        var mu = RealDist.UnitVector(n).Constrain(v.AsSpan(1 + n, n), ref ignored);
        var d = RealDist.VonMisesFisher(mu, v[0]);
        Real logJ = 0.0;
        var x = d.Constrain(v.AsSpan(1, n), ref logJ);
        var lp = d.LogDensity(x);
        var total = lp + logJ;
        Close(DoubleTarget(p, n), total.Value, 1e-12, "value");
        Assert.Null(d.ParameterError);
        tape.Backward(total);
        for (var i = 0; i < p.Length; i++) Close(Partial(q => DoubleTarget(q, n), p, i), tape.Adjoint(v[i]), 1e-7, $"d/dp[{i}]");

        // Observed, with a data direction: differentiated in κ.
        var xData = Normalise(p.AsSpan(1, n));
        var muData = Normalise(p.AsSpan(1 + n, n));
        tape.Reset();
        var k = tape.Variable(kappa);
        var obs = RealDist.VonMisesFisher(muData, k).LogDensity(xData);
        Close(Dist.VonMisesFisher(muData, kappa).LogDensity(xData), obs.Value, 1e-13, "observed");
        tape.Backward(obs);
        Close(Derivative(c => Dist.VonMisesFisher(muData, c).LogDensity(xData), kappa), tape.Adjoint(k), 1e-7, "observed d/dκ");
    }

    [Fact]
    public void AtKappaZeroTheDensityIsUniformAndTheDerivativeInKappaIsTheCosine()
    {
        double[] mu = [0, 0.6, 0.8];
        double[] x = [0.6, 0, 0.8];
        var tape = Tape.Current;
        tape.Reset();
        var k = tape.Variable(0);
        var lp = RealDist.VonMisesFisher(mu, k).LogDensity(x);
        Close(-Math.Log(4 * Math.PI), lp.Value, 1e-15, "value");
        tape.Backward(lp);
        Close(0.64, tape.Adjoint(k), 1e-12, "d/dκ at 0");
        // The small-κ branches join the Bessel ones smoothly.
        Close(VonMisesFisher.LogNormalizer(3, 1e-6), VonMisesFisher.LogNormalizer(3, 0.99e-12), 1e-11, "log C near 0");
        Close(VonMisesFisher.MeanResultantLength(3, 1.01e-8), VonMisesFisher.MeanResultantLength(3, 0.99e-8) * 1.01 / 0.99, 1e-7, "A near 0");
    }

    [Fact]
    public void InvalidParametersGiveNaNAndPointsOffTheSphereMinusInfinity()
    {
        Assert.True(double.IsNaN(RealDist.VonMisesFisher(new double[] { 1, 1 }, 1).LogDensity(new double[] { 1, 0 }).Value));
        Assert.True(double.IsNaN(RealDist.VonMisesFisher(new double[] { 1, 0 }, -1).LogDensity(new double[] { 1, 0 }).Value));
        Assert.NotNull(RealDist.VonMisesFisher(new double[] { 1, 1 }, 1).ParameterError);
        Assert.Equal(double.NegativeInfinity, RealDist.VonMisesFisher(new double[] { 1, 0 }, 1).LogDensity(new double[] { 0.5, 0 }).Value);
    }
}

using FsCheck.Xunit;
using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Distributions;

public class BijectorTests
{
    private static readonly (string Name, IBijector<double> Bijector)[] Scalar =
    [
        ("Normal", new Normal(0, 1).Bijector),
        ("HalfNormal", new HalfNormal(1).Bijector),
        ("LogNormal", new LogNormal(0, 1).Bijector),
        ("StudentT", new StudentT(3, 0, 1).Bijector),
        ("Cauchy", new Cauchy(0, 1).Bijector),
        ("HalfCauchy", new HalfCauchy(1).Bijector),
        ("Laplace", new Laplace(0, 1).Bijector),
        ("Exponential", new Exponential(1).Bijector),
        ("Gamma", new Gamma(2, 1).Bijector),
        ("InverseGamma", new InverseGamma(2, 1).Bijector),
        ("Beta", new Beta(2, 2).Bijector),
        ("Uniform", new Uniform(-2, 5).Bijector),
    ];

    // FsCheck's integers grow with the test size (≤ 100 by default); /20 spreads them over about [−5, 5].
    private static double U(int i) => i / 20.0;

    [Property(MaxTest = 200)]
    public void ScalarBijectorsRoundTripAndJacobianMatchesFiniteDifference(int i)
    {
        var u = U(i);
        foreach (var (name, b) in Scalar)
        {
            var x = b.Forward([u]);
            var back = new double[1];
            b.Inverse(x, back);
            Assert.True(Math.Abs(b.Forward(back) - x) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"{name}: Forward(Inverse({x})) = {b.Forward(back)}");
            var numeric = TestStats.NumericLogAbsDet(v => [b.Forward(v)], [u], 1e-5);
            TestStats.Close(numeric, b.LogAbsDetJacobian([u]), 1e-5, $"{name} log-Jacobian at {u}");
        }
    }

    [Property(MaxTest = 100)]
    public void StickBreakingRoundTripsAndJacobianMatches(int a, int b, int c)
    {
        var bij = new StickBreakingBijector(4);
        double[] u = [U(a), U(b), U(c)];
        var x = bij.Forward(u);
        Assert.Equal(1.0, x.Sum(), 12);
        Assert.All(x, v => Assert.True(v > 0));
        var back = new double[3];
        bij.Inverse(x, back);
        var again = bij.Forward(back);
        for (var k = 0; k < 4; k++) Assert.True(Math.Abs(again[k] - x[k]) < 1e-10, $"coordinate {k}: {again[k]} vs {x[k]}");
        var numeric = TestStats.NumericLogAbsDet(v => bij.Forward(v)[..3], u, 1e-5);
        TestStats.Close(numeric, bij.LogAbsDetJacobian(u), 1e-5, "stick-breaking log-Jacobian");
    }

    [Fact]
    public void StickBreakingMapsZeroToTheCentre()
    {
        var x = new StickBreakingBijector(5).Forward(new double[4]);
        Assert.All(x, v => Assert.Equal(0.2, v, 12));
    }

    [Property(MaxTest = 100)]
    public void CorrelationCholeskyRoundTripsAndJacobianMatches(int a, int b, int c, int d, int e, int f)
    {
        var bij = new CorrelationCholeskyBijector(4);
        double[] u = [U(a) / 2, U(b) / 2, U(c) / 2, U(d) / 2, U(e) / 2, U(f) / 2];
        var l = bij.Forward(u);
        for (var i = 0; i < 4; i++)
        {
            double norm = 0;
            for (var j = 0; j <= i; j++) norm += l[i, j] * l[i, j];
            Assert.Equal(1.0, norm, 12);
            Assert.True(l[i, i] > 0);
        }
        Assert.True(new LkjCholesky(4, 1.5).LogDensity(l) > double.NegativeInfinity);
        var back = new double[6];
        bij.Inverse(l, back);
        var again = bij.Forward(back);
        for (var i = 0; i < 4; i++)
            for (var j = 0; j < 4; j++) Assert.True(Math.Abs(again[i, j] - l[i, j]) < 1e-9, $"L[{i},{j}]");
        var numeric = TestStats.NumericLogAbsDet(v => StrictlyLower(bij.Forward(v)), u, 1e-5);
        TestStats.Close(numeric, bij.LogAbsDetJacobian(u), 1e-5, "cholesky-corr log-Jacobian");
    }

    internal static double[] StrictlyLower(double[,] l)
    {
        var n = l.GetLength(0);
        var r = new List<double>();
        for (var i = 1; i < n; i++)
            for (var j = 0; j < i; j++) r.Add(l[i, j]);
        return r.ToArray();
    }

    [Fact]
    public void IdentityVectorBijectorIsIdentity()
    {
        var b = new MvNormal([0, 0, 0], new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }).Bijector;
        Assert.Equal(3, b.UnconstrainedSize);
        Assert.Equal([1.0, 2.0, 3.0], b.Forward([1, 2, 3]));
        Assert.Equal(0.0, b.LogAbsDetJacobian([1, 2, 3]));
    }

    [Property(MaxTest = 100)]
    public void OrderedRoundTripsAndJacobianMatches(int a, int b, int c, bool bounded)
    {
        var bij = new OrderedBijector(3, bounded ? 0.5 : double.NegativeInfinity);
        double[] u = [U(a), U(b), U(c)];
        var x = bij.Forward(u);
        Assert.True(x[0] < x[1] && x[1] < x[2]);
        if (bounded) Assert.True(x[0] > 0.5);
        var back = new double[3];
        bij.Inverse(x, back);
        for (var k = 0; k < 3; k++) Assert.True(Math.Abs(back[k] - u[k]) < 1e-9, $"coordinate {k}: {back[k]} vs {u[k]}");
        var numeric = TestStats.NumericLogAbsDet(v => bij.Forward(v), u, 1e-5);
        TestStats.Close(numeric, bij.LogAbsDetJacobian(u), 1e-5, "ordered log-Jacobian");
    }

    [Property(MaxTest = 100)]
    public void CovarianceRoundTripsAndJacobianMatches(int a, int b, int c, int d, int e, int f)
    {
        var bij = new CovarianceBijector(3);
        double[] u = [U(a) / 2, U(b) / 2, U(c) / 2, U(d) / 2, U(e) / 2, U(f) / 2];
        var s = bij.Forward(u);
        Assert.True(new InverseWishart(4, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }).LogDensity(s) > double.NegativeInfinity);
        var back = new double[6];
        bij.Inverse(s, back);
        for (var k = 0; k < 6; k++) Assert.True(Math.Abs(back[k] - u[k]) < 1e-8, $"coordinate {k}: {back[k]} vs {u[k]}");
        // The density of a covariance is on its lower triangle, diagonal included.
        var numeric = TestStats.NumericLogAbsDet(v =>
        {
            var m = bij.Forward(v);
            return [m[0, 0], m[1, 0], m[1, 1], m[2, 0], m[2, 1], m[2, 2]];
        }, u, 1e-5);
        TestStats.Close(numeric, bij.LogAbsDetJacobian(u), 1e-5, "covariance log-Jacobian");
    }

    [Property(MaxTest = 100)]
    public void CholeskyFactorRoundTripsAndJacobianMatches(int a, int b, int c, int d, int e, int f)
    {
        var bij = new CholeskyFactorBijector(3);
        double[] u = [U(a) / 2, U(b) / 2, U(c) / 2, U(d) / 2, U(e) / 2, U(f) / 2];
        var l = bij.Forward(u);
        Assert.True(l[0, 1] == 0 && l[0, 2] == 0 && l[1, 2] == 0 && l[0, 0] > 0 && l[1, 1] > 0 && l[2, 2] > 0);
        var back = new double[6];
        bij.Inverse(l, back);
        for (var k = 0; k < 6; k++) Assert.True(Math.Abs(back[k] - u[k]) < 1e-12, $"coordinate {k}: {back[k]} vs {u[k]}");
        // The density of a Cholesky factor is on its lower triangle, diagonal included.
        var numeric = TestStats.NumericLogAbsDet(v =>
        {
            var m = bij.Forward(v);
            return [m[0, 0], m[1, 0], m[1, 1], m[2, 0], m[2, 1], m[2, 2]];
        }, u, 1e-5);
        TestStats.Close(numeric, bij.LogAbsDetJacobian(u), 1e-5, "Cholesky-factor log-Jacobian");
    }

    [Property(MaxTest = 100)]
    public void UnitVectorMapsOntoTheSphereIgnoringTheRadiusAndInvertsAtRadiusOne(int a, int b, int c, int d)
    {
        var bij = new UnitVectorBijector(4);
        double[] y = [U(a), U(b), U(c), U(d)];
        var squared = y.Sum(v => v * v);
        if (squared < 1e-6) return;
        var x = bij.Forward(y);
        Assert.Equal(1.0, Math.Sqrt(x.Sum(v => v * v)), 12);
        Assert.Equal(-0.5 * squared, bij.LogAbsDetJacobian(y), 12);
        var scaled = bij.Forward(y.Select(v => 3.7 * v).ToArray());
        for (var k = 0; k < 4; k++) Assert.Equal(x[k], scaled[k], 12);
        var back = new double[4];
        bij.Inverse(x, back);
        var again = bij.Forward(back);
        for (var k = 0; k < 4; k++)
        {
            Assert.Equal(x[k], back[k], 14);
            Assert.Equal(x[k], again[k], 12);
        }
    }
}

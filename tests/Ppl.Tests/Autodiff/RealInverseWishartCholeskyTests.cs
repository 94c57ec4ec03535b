using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// <see cref="RealInverseWishartCholesky"/> (the Cholesky factor of an inverse-Wishart matrix): its value against the double family, its gradient in ν, every
/// lower entry of the scale's factor and of the matrix against five-point finite differences of the double family, and
/// its map from ℝ^(n(n+1)/2) against <see cref="CholeskyFactorBijector"/>.
/// </summary>
public class RealInverseWishartCholeskyTests
{
    private const int N = 3;

    private static double[,] Lower(ReadOnlySpan<double> entries)
    {
        var m = new double[N, N];
        var p = 0;
        for (var i = 0; i < N; i++)
            for (var j = 0; j <= i; j++) m[i, j] = entries[p++];
        return m;
    }

    private static Real[,] Lower(ReadOnlySpan<Real> entries)
    {
        var m = new Real[N, N];
        var p = 0;
        for (var i = 0; i < N; i++)
            for (var j = 0; j <= i; j++) m[i, j] = entries[p++];
        return m;
    }

    /// <summary>p = (ν, the scale factor's lower triangle, the matrix's lower triangle).</summary>
    private static double DoubleLogDensity(double[] p) => new InverseWishartCholesky(p[0], Lower(p.AsSpan(1, 6))).LogDensity(Lower(p.AsSpan(7, 6)));

    [Theory]
    [InlineData(3.5, true)]
    [InlineData(7.0, true)]
    [InlineData(2.2, false)]
    public void ValueAndGradientMatchTheDoubleFamilyAndFiniteDifferences(double nu, bool randomScale)
    {
        double[] p = [nu, 1.2, 0.3, 0.9, -0.2, 0.1, 1.4, 1.0, 0.2, 0.7, 0.0, -0.4, 1.2];
        var tape = Tape.Current;
        tape.Reset();
        var v = p.Select(tape.Variable).ToArray();
        var scale = Lower(p.AsSpan(1, 6));
        var d = randomScale ? RealDist.InverseWishartCholesky(v[0], Lower(v.AsSpan(1, 6))) : RealDist.InverseWishartCholesky(v[0], scale);
        var y = d.LogDensity(Lower(v.AsSpan(7, 6)));
        Close(DoubleLogDensity(p), y.Value, 1e-12, "value");
        Assert.Null(d.ParameterError);
        Assert.Equal("InverseWishartCholesky", d.Family);
        tape.Backward(y);
        for (var i = 0; i < p.Length; i++)
        {
            if (!randomScale && i is >= 1 and < 7) continue;
            Close(Partial(DoubleLogDensity, p, i), tape.Adjoint(v[i]), 1e-7, $"d/dp[{i}] (ν = {nu})");
        }
        // An observed factor: the same value, differentiated in ν.
        tape.Reset();
        var nuv = tape.Variable(nu);
        var obs = RealDist.InverseWishartCholesky(nuv, scale).LogDensity(Lower(p.AsSpan(7, 6)));
        Close(DoubleLogDensity(p), obs.Value, 1e-12, "observed value");
        tape.Backward(obs);
        Close(Partial(DoubleLogDensity, p, 0), tape.Adjoint(nuv), 1e-7, "observed d/dν");
    }

    [Fact]
    public void ConstrainMatchesTheCholeskyFactorBijectorAndUnconstrainInvertsIt()
    {
        var d = RealDist.InverseWishartCholesky(5, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
        Assert.Equal(6, d.UnconstrainedLength);
        Assert.Equal([(0, 0), (1, 0), (1, 1), (2, 0), (2, 1), (2, 2)], Enumerable.Range(0, 6).Select(d.CoordinateEntry));
        var bijector = new CholeskyFactorBijector(N);
        double[] u = [0.3, -0.7, -0.2, 1.1, 0.4, 0.5];
        Real logJ = 0.0;
        var x = d.Constrain(u.Select(t => (Real)t).ToArray(), ref logJ);
        var expected = bijector.Forward(u);
        for (var i = 0; i < N; i++)
            for (var j = 0; j < N; j++) Close(expected[i, j], x[i, j].Value, 1e-14, $"x[{i},{j}]");
        Close(bijector.LogAbsDetJacobian(u), logJ.Value, 1e-14, "log-Jacobian");
        var back = new double[6];
        d.Unconstrain(expected, back);
        for (var k = 0; k < 6; k++) Close(u[k], back[k], 1e-12, $"u[{k}]");
    }

    [Fact]
    public void InvalidParametersGiveNaNAndMatricesOutsideTheSupportMinusInfinity()
    {
        var identity = new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        Assert.True(double.IsNaN(RealDist.InverseWishartCholesky(1.5, identity).LogDensity(identity).Value));
        Assert.NotNull(RealDist.InverseWishartCholesky(1.5, identity).ParameterError);
        var full = new double[,] { { 1, 0.5, 0 }, { 0.5, 1, 0 }, { 0, 0, 1 } };
        Assert.True(double.IsNaN(RealDist.InverseWishartCholesky(4, full).LogDensity(identity).Value));
        Assert.Equal(double.NegativeInfinity, RealDist.InverseWishartCholesky(4, identity).LogDensity(full).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.InverseWishartCholesky(4, identity).LogDensity(new double[,] { { 1, 0, 0 }, { 0.5, -1, 0 }, { 0, 0, 1 } }).Value);
    }
}

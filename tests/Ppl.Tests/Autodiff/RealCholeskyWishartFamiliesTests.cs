using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// <see cref="RealWishartCholesky"/> and <see cref="RealInverseWishartCholesky"/> (the Cholesky factor of a Wishart or
/// inverse-Wishart matrix): each one's value against its double family, its gradient in ν, every lower entry of the
/// scale's factor and of the matrix against five-point finite differences of the double family, and its map from
/// ℝ^(n(n+1)/2) against <see cref="CholeskyFactorBijector"/>.
/// </summary>
public class RealCholeskyWishartFamiliesTests
{
    private const int N = 3;

    /// <summary>The two families these tests run on.</summary>
    public enum Family { WishartCholesky, InverseWishartCholesky }

    private static IRealMatrixContinuous Make(Family f, Real nu, Real[,] scale) =>
        f == Family.WishartCholesky ? RealDist.WishartCholesky(nu, scale) : RealDist.InverseWishartCholesky(nu, scale);

    private static IRealMatrixContinuous Make(Family f, Real nu, double[,] scale) =>
        f == Family.WishartCholesky ? RealDist.WishartCholesky(nu, scale) : RealDist.InverseWishartCholesky(nu, scale);

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

    private static Real[,] Lift(double[,] x)
    {
        var m = new Real[x.GetLength(0), x.GetLength(1)];
        for (var i = 0; i < m.GetLength(0); i++)
            for (var j = 0; j < m.GetLength(1); j++) m[i, j] = x[i, j];
        return m;
    }

    /// <summary>p = (ν, the scale factor's lower triangle, the matrix's lower triangle).</summary>
    private static double DoubleLogDensity(Family f, double[] p) => f == Family.WishartCholesky
        ? new WishartCholesky(p[0], Lower(p.AsSpan(1, 6))).LogDensity(Lower(p.AsSpan(7, 6)))
        : new InverseWishartCholesky(p[0], Lower(p.AsSpan(1, 6))).LogDensity(Lower(p.AsSpan(7, 6)));

    [Theory]
    [InlineData(Family.WishartCholesky, 3.5, true)]
    [InlineData(Family.WishartCholesky, 7.0, true)]
    [InlineData(Family.WishartCholesky, 2.2, false)]
    [InlineData(Family.InverseWishartCholesky, 3.5, true)]
    [InlineData(Family.InverseWishartCholesky, 7.0, true)]
    [InlineData(Family.InverseWishartCholesky, 2.2, false)]
    public void ValueAndGradientMatchTheDoubleFamilyAndFiniteDifferences(Family family, double nu, bool randomScale)
    {
        double[] p = [nu, 1.2, 0.3, 0.9, -0.2, 0.1, 1.4, 1.0, 0.2, 0.7, 0.0, -0.4, 1.2];
        double Reference(double[] q) => DoubleLogDensity(family, q);
        var tape = Tape.Current;
        tape.Reset();
        var v = p.Select(tape.Variable).ToArray();
        var scale = Lower(p.AsSpan(1, 6));
        var d = randomScale ? Make(family, v[0], Lower(v.AsSpan(1, 6))) : Make(family, v[0], scale);
        var y = d.LogDensity(Lower(v.AsSpan(7, 6)));
        Close(Reference(p), y.Value, 1e-12, "value");
        Assert.Null(d.ParameterError);
        Assert.Equal(family.ToString(), d.Family);
        tape.Backward(y);
        for (var i = 0; i < p.Length; i++)
        {
            if (!randomScale && i is >= 1 and < 7) continue;
            Close(Partial(Reference, p, i), tape.Adjoint(v[i]), 1e-7, $"{family} d/dp[{i}] (ν = {nu})");
        }
        // An observed factor: the same value, differentiated in ν.
        tape.Reset();
        var nuv = tape.Variable(nu);
        var obs = Make(family, nuv, scale).LogDensity(Lift(Lower(p.AsSpan(7, 6))));
        Close(Reference(p), obs.Value, 1e-12, "observed value");
        tape.Backward(obs);
        Close(Partial(Reference, p, 0), tape.Adjoint(nuv), 1e-7, $"{family} observed d/dν");
    }

    [Theory]
    [InlineData(Family.WishartCholesky)]
    [InlineData(Family.InverseWishartCholesky)]
    public void ConstrainMatchesTheCholeskyFactorBijectorAndUnconstrainInvertsIt(Family family)
    {
        var d = Make(family, 5, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } });
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

    [Theory]
    [InlineData(Family.WishartCholesky)]
    [InlineData(Family.InverseWishartCholesky)]
    public void InvalidParametersGiveNaNAndMatricesOutsideTheSupportMinusInfinity(Family family)
    {
        var identity = new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
        Assert.True(double.IsNaN(Make(family, 1.5, identity).LogDensity(Lift(identity)).Value));
        Assert.NotNull(Make(family, 1.5, identity).ParameterError);
        var full = new double[,] { { 1, 0.5, 0 }, { 0.5, 1, 0 }, { 0, 0, 1 } };
        Assert.True(double.IsNaN(Make(family, 4, full).LogDensity(Lift(identity)).Value));
        Assert.Equal(double.NegativeInfinity, Make(family, 4, identity).LogDensity(Lift(full)).Value);
        Assert.Equal(double.NegativeInfinity, Make(family, 4, identity).LogDensity(Lift(new double[,] { { 1, 0, 0 }, { 0.5, -1, 0 }, { 0, 0, 1 } })).Value);
    }
}

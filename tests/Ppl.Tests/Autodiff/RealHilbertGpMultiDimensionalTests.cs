using Ppl.Autodiff;
using Xunit;
using Xunit.Abstractions;
using static Ppl.Tests.Autodiff.Precise;
using Kernel = Ppl.Tests.Autodiff.RealHilbertGpTests.Kernel;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The Hilbert-space approximate GP on a box: in one dimension it is the line's; in two, the approximate covariance
/// Σⱼ S(√λⱼ) φⱼ(x) φⱼ(x′) converges to the closed-form isotropic kernel of the distance (which checks the D-dimensional
/// spectral densities' constants, negative control included); the exponentiated quadratic with a length-scale per
/// dimension is the product of the line's; the scales' gradients against finite differences; bad shapes are refused.
/// </summary>
public class RealHilbertGpMultiDimensionalTests(ITestOutputHelper output)
{
    private static Real Isotropic(Kernel k, int[] j, double[] boundary, Real alpha, Real rho) => k switch
    {
        Kernel.ExpQuad => RealHilbertGp.ExpQuadScale(j, boundary, alpha, rho),
        Kernel.Matern32 => RealHilbertGp.Matern32Scale(j, boundary, alpha, rho),
        _ => RealHilbertGp.Matern52Scale(j, boundary, alpha, rho),
    };

    private static Real Line(Kernel k, int j, double boundary, Real alpha, Real rho) => k switch
    {
        Kernel.ExpQuad => RealHilbertGp.ExpQuadScale(j, boundary, alpha, rho),
        Kernel.Matern32 => RealHilbertGp.Matern32Scale(j, boundary, alpha, rho),
        _ => RealHilbertGp.Matern52Scale(j, boundary, alpha, rho),
    };

    /// <summary>The closed-form kernel at distance r (RealCovariance's, which the line's tests check).</summary>
    private static double Kappa(Kernel k, double r, double alpha, double rho)
    {
        double[] x = [0.0, r];
        var c = k switch
        {
            Kernel.ExpQuad => RealCovariance.ExpQuad(x, alpha, rho),
            Kernel.Matern32 => RealCovariance.Matern32(x, alpha, rho),
            _ => RealCovariance.Matern52(x, alpha, rho),
        };
        return c[0, 1].Value;
    }

    [Theory]
    [InlineData(Kernel.ExpQuad)]
    [InlineData(Kernel.Matern32)]
    [InlineData(Kernel.Matern52)]
    public void InOneDimensionItIsTheLine(Kernel k)
    {
        const double boundary = 1.7;
        var indices = RealHilbertGp.Indices([7]);
        Assert.Equal(Enumerable.Range(1, 7), indices.Select(j => Assert.Single(j)));
        double[] xs = [-1.2, -0.3, 0.0, 0.9];
        var rows = RealHilbertGp.Basis(xs.Select(x => new[] { x }).ToArray(), [7], [boundary]);
        var line = RealHilbertGp.Basis(xs, 7, boundary);
        for (var i = 0; i < xs.Length; i++)
            for (var j = 0; j < 7; j++) Assert.Equal(line[i, j], rows[i][j], 15);
        foreach (var j in indices)
        {
            Assert.Equal(RealHilbertGp.Eigenvalue(j[0], boundary), RealHilbertGp.Eigenvalue(j, [boundary]), 15);
            Close(Line(k, j[0], boundary, 1.3, 0.6).Value, Isotropic(k, j, [boundary], 1.3, 0.6).Value, 1e-13, $"{k} scale {j[0]}");
            if (k == Kernel.ExpQuad)
                Close(Line(k, j[0], boundary, 1.3, 0.6).Value, RealHilbertGp.ExpQuadScale(j, [boundary], 1.3, [0.6]), 1e-13, $"ARD scale {j[0]}");
        }
    }

    [Fact]
    public void IndicesRunOverTheProductLastDimensionFastest()
    {
        var indices = RealHilbertGp.Indices([2, 3]);
        Assert.Equal(new[] { "1,1", "1,2", "1,3", "2,1", "2,2", "2,3" }, indices.Select(j => string.Join(",", j)));
        var x = new[] { new[] { 0.3, -0.4 } };
        var rows = RealHilbertGp.Basis(x, [2, 3], [1.5, 2.0]);
        for (var k = 0; k < indices.Length; k++)
        {
            var expected = RealHilbertGp.Eigenfunction(indices[k][0], 1.5, 0.3) * RealHilbertGp.Eigenfunction(indices[k][1], 2.0, -0.4);
            Assert.Equal(expected, rows[0][k], 15);
            Assert.Equal(expected, RealHilbertGp.Eigenfunction(indices[k], [1.5, 2.0], x[0]), 15);
        }
    }

    /// <summary>
    /// Max |K̃ − K| / α² on a 5 × 5 grid in [−0.6, 0.6]² with L = 2 in each dimension (the boundary images are below
    /// 1e-4 there) for m × m basis functions, with the isotropic density in <paramref name="dims"/> dimensions.
    /// </summary>
    private static double Error(Kernel k, int m, int dims, double alpha = 1.2, double rho = 0.5)
    {
        double[] boundary = [2.0, 2.0];
        var grid = (from a in Enumerable.Range(0, 5) from b in Enumerable.Range(0, 5) select new[] { -0.6 + 0.3 * a, -0.6 + 0.3 * b }).ToArray();
        var indices = RealHilbertGp.Indices([m, m]);
        var phi = RealHilbertGp.Basis(grid, [m, m], boundary);
        // dims = 1 pretends the box is a line: the one-dimensional density at the same frequency (the negative control).
        var s = indices.Select(j =>
        {
            if (dims == 2) return Math.Pow(Isotropic(k, j, boundary, alpha, rho).Value, 2);
            var w = Math.Sqrt(RealHilbertGp.Eigenvalue(j, boundary));
            return k == Kernel.ExpQuad ? RealHilbertGp.ExpQuadSpectralDensity(w, alpha, rho)
                : k == Kernel.Matern32 ? RealHilbertGp.Matern32SpectralDensity(w, alpha, rho) : RealHilbertGp.Matern52SpectralDensity(w, alpha, rho);
        }).ToArray();
        double worst = 0;
        foreach (var (p, i) in grid.Select((p, i) => (p, i)))
            foreach (var (q, l) in grid.Select((q, l) => (q, l)))
            {
                double approx = 0;
                for (var c = 0; c < s.Length; c++) approx += s[c] * phi[i][c] * phi[l][c];
                var exact = Kappa(k, Math.Sqrt(Math.Pow(p[0] - q[0], 2) + Math.Pow(p[1] - q[1], 2)), alpha, rho);
                worst = Math.Max(worst, Math.Abs(approx - exact) / (alpha * alpha));
            }
        return worst;
    }

    /// <summary>
    /// Deterministic, so the bounds are about twice the errors measured at m = 32 (3.1e-7, the images' floor; 3.2e-3 and
    /// 5.8e-4, the truncation of the Matérns' ‖ω‖^−(2ν+2) tails); the line's density misses by 0.1 to 0.2.
    /// </summary>
    [Theory]
    [InlineData(Kernel.ExpQuad, 1e-6)]
    [InlineData(Kernel.Matern32, 6e-3)]
    [InlineData(Kernel.Matern52, 1.5e-3)]
    public void TheApproximateCovarianceConvergesToTheIsotropicKernelInTwoDimensions(Kernel k, double tolerance)
    {
        var errors = new[] { 8, 16, 32 }.Select(m => Error(k, m, 2)).ToArray();
        var control = Error(k, 32, 1);
        output.WriteLine($"{k}: max error / α² at m = 8, 16, 32 per dimension: {string.Join(", ", errors.Select(e => e.ToString("E2")))}; with the line's density {control:E2}");
        Assert.True(errors[2] < tolerance, $"error at m = 32: {errors[2]}");
        Assert.True(errors[1] < errors[0] && errors[2] < errors[1] + 1e-12, $"errors {string.Join(", ", errors)}");
        // Negative control: the line's spectral density at the same frequencies is not the plane's.
        Assert.True(control > 10 * tolerance, $"the one-dimensional density came within {control}");
    }

    [Fact]
    public void TheArdExponentiatedQuadraticIsTheProductOfTheLines()
    {
        double[] boundary = [1.5, 2.5];
        foreach (var j in RealHilbertGp.Indices([4, 3]))
        {
            var product = RealHilbertGp.ExpQuadScale(j[0], boundary[0], 1.0, 0.4) * RealHilbertGp.ExpQuadScale(j[1], boundary[1], 1.0, 1.1);
            // The scale is S^½, and α² appears once in the plane's density: α times the lines' scales at α = 1.
            Close(1.7 * product, RealHilbertGp.ExpQuadScale(j, boundary, 1.7, [0.4, 1.1]), 1e-13, $"ARD scale ({j[0]}, {j[1]})");
            Close(RealHilbertGp.ExpQuadScale(j, boundary, 1.7, 0.8), RealHilbertGp.ExpQuadScale(j, boundary, 1.7, [0.8, 0.8]), 1e-13, "isotropic = ARD with equal length-scales");
        }
    }

    [Theory]
    [InlineData(Kernel.ExpQuad)]
    [InlineData(Kernel.Matern32)]
    [InlineData(Kernel.Matern52)]
    public void ScalesHaveTheirFiniteDifferenceGradients(Kernel k)
    {
        var tape = Tape.Current;
        foreach (var boundary in new[] { new[] { 1.5, 2.0 }, new[] { 1.2, 1.8, 2.4 } })
            foreach (var (alpha, rho) in new[] { (1.0, 1.0), (1.7, 0.3), (0.6, 2.5) })
            {
                var j = boundary.Select((_, d) => 1 + 3 * d).ToArray();
                double[] p = [alpha, rho];
                tape.Reset();
                var a = tape.Variable(alpha);
                var r = tape.Variable(rho);
                var s = Isotropic(k, j, boundary, a, r);
                tape.Backward(s);
                for (var i = 0; i < 2; i++)
                    Close(Partial(q => Isotropic(k, j, boundary, q[0], q[1]).Value, p, i), i == 0 ? tape.Adjoint(a) : tape.Adjoint(r), 1e-8, $"{k} D = {boundary.Length} d/dp[{i}] at ({alpha}, {rho})");
            }
        if (k != Kernel.ExpQuad) return;
        double[] point = [1.3, 0.4, 1.6];
        tape.Reset();
        var av = tape.Variable(point[0]);
        Real[] rv = [tape.Variable(point[1]), tape.Variable(point[2])];
        var ard = RealHilbertGp.ExpQuadScale([2, 5], [1.5, 2.0], av, rv);
        tape.Backward(ard);
        Real[] vars = [av, .. rv];
        for (var i = 0; i < 3; i++)
            Close(Partial(q => RealHilbertGp.ExpQuadScale([2, 5], [1.5, 2.0], q[0], [q[1], q[2]]), point, i), tape.Adjoint(vars[i]), 1e-8, $"ARD d/dp[{i}]");
    }

    [Fact]
    public void BadShapesAndValuesAreRefusedByName()
    {
        Assert.Contains("m[1]", Assert.Throws<ArgumentOutOfRangeException>(() => RealHilbertGp.Indices([3, 0])).Message);
        Assert.Contains("2 boundaries for a box of 3 dimensions", Assert.Throws<ArgumentException>(() => RealHilbertGp.Eigenvalue([1, 2, 3], [1.0, 1.0])).Message);
        Assert.Contains("boundary[1]", Assert.Throws<ArgumentOutOfRangeException>(() => RealHilbertGp.Basis([[0.0, 0.0]], [2, 2], [1.0, -1.0])).Message);
        Assert.Contains("input 1 has 1 coordinates", Assert.Throws<ArgumentException>(() => RealHilbertGp.Basis([[0.0, 0.0], [0.5]], [2, 2], [1.0, 1.0])).Message);
        Assert.Contains("j[0]", Assert.Throws<ArgumentOutOfRangeException>(() => RealHilbertGp.Matern32Scale([0, 1], [1.0, 1.0], 1.0, 1.0)).Message);
        Assert.Contains("1 length-scales for a box of 2 dimensions", Assert.Throws<ArgumentException>(() => RealHilbertGp.ExpQuadScale([1, 1], [1.0, 1.0], 1.0, [1.0])).Message);
        Assert.True(double.IsNaN(RealHilbertGp.Matern52Scale([1, 1], [1.0, 1.0], 1.0, -1.0)));
        Assert.True(double.IsNaN(RealHilbertGp.ExpQuadScale([1, 1], [1.0, 1.0], 1.0, [1.0, 0.0])));
    }
}

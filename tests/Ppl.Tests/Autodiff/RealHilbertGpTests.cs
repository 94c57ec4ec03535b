using Ppl.Autodiff;
using Xunit;
using Xunit.Abstractions;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The Hilbert-space approximate GP: the eigenfunctions' orthonormality by quadrature, the spectral densities against
/// the Fourier integrals 2∫₀^∞ k(τ) cos(ωτ) dτ of <see cref="RealCovariance"/>'s kernels (tanh-sinh quadrature), the
/// approximate covariance Φ diag(S) Φᵀ against the exact kernel matrix on a grid as m grows, and the scales' gradients
/// in α and ρ against five-point finite differences.
/// </summary>
public class RealHilbertGpTests(ITestOutputHelper output)
{
    public enum Kernel { ExpQuad, Matern32, Matern52 }

    private static double Kappa(Kernel k, double d, double alpha, double rho)
    {
        var c = k switch
        {
            Kernel.ExpQuad => RealCovariance.ExpQuad(new[] { 0.0, d }, alpha, rho),
            Kernel.Matern32 => RealCovariance.Matern32(new[] { 0.0, d }, alpha, rho),
            _ => RealCovariance.Matern52(new[] { 0.0, d }, alpha, rho),
        };
        return c[0, 1].Value;
    }

    private static double Spectral(Kernel k, double omega, double alpha, double rho) => k switch
    {
        Kernel.ExpQuad => RealHilbertGp.ExpQuadSpectralDensity(omega, alpha, rho),
        Kernel.Matern32 => RealHilbertGp.Matern32SpectralDensity(omega, alpha, rho),
        _ => RealHilbertGp.Matern52SpectralDensity(omega, alpha, rho),
    };

    private static Real Scale(Kernel k, int j, double boundary, Real alpha, Real rho) => k switch
    {
        Kernel.ExpQuad => RealHilbertGp.ExpQuadScale(j, boundary, alpha, rho),
        Kernel.Matern32 => RealHilbertGp.Matern32Scale(j, boundary, alpha, rho),
        _ => RealHilbertGp.Matern52Scale(j, boundary, alpha, rho),
    };

    private static Real[] Scales(Kernel k, int m, double boundary, Real alpha, Real rho) => k switch
    {
        Kernel.ExpQuad => RealHilbertGp.ExpQuadScales(m, boundary, alpha, rho),
        Kernel.Matern32 => RealHilbertGp.Matern32Scales(m, boundary, alpha, rho),
        _ => RealHilbertGp.Matern52Scales(m, boundary, alpha, rho),
    };

    [Fact]
    public void EigenfunctionsAreOrthonormalAndSolveTheDirichletProblem()
    {
        const double l = 1.7;
        for (var i = 1; i <= 6; i++)
        {
            Assert.Equal(0, RealHilbertGp.Eigenfunction(i, l, -l), 14);
            Assert.Equal(0, RealHilbertGp.Eigenfunction(i, l, l), 14);
            // −φ″ = λφ, by a five-point second difference.
            var x0 = 0.3;
            var h = 1e-3;
            double F(double x) => RealHilbertGp.Eigenfunction(i, l, x);
            var second = (-F(x0 + 2 * h) + 16 * F(x0 + h) - 30 * F(x0) + 16 * F(x0 - h) - F(x0 - 2 * h)) / (12 * h * h);
            Close(RealHilbertGp.Eigenvalue(i, l) * F(x0), -second, 1e-6, $"−φ″ for j = {i}");
            for (var j = 1; j <= 6; j++)
            {
                var (a, b) = (i, j);
                var inner = Integrate(x => RealHilbertGp.Eigenfunction(a, l, x) * RealHilbertGp.Eigenfunction(b, l, x), -l, l);
                Assert.True(Math.Abs(inner - (i == j ? 1 : 0)) < 1e-12, $"<φ{i}, φ{j}> = {inner}");
            }
        }
        var phi = RealHilbertGp.Basis(new[] { -0.5, 0.25 }, 3, l);
        Assert.Equal(RealHilbertGp.Eigenfunction(3, l, 0.25), phi[1, 2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => RealHilbertGp.Eigenvalue(0, l));
        Assert.Throws<ArgumentOutOfRangeException>(() => RealHilbertGp.Basis(new[] { 0.0 }, 3, -1));
    }

    [Theory]
    [InlineData(Kernel.ExpQuad)]
    [InlineData(Kernel.Matern32)]
    [InlineData(Kernel.Matern52)]
    public void SpectralDensitiesAreTheFourierTransformsOfTheKernels(Kernel k)
    {
        foreach (var (alpha, rho) in new[] { (1.0, 1.0), (1.7, 0.4), (0.6, 2.5) })
            foreach (var omega in new[] { 0.0, 0.5, 1.3, 3.0 })
            {
                var (a, r, w) = (alpha, rho, omega);
                var fourier = 2 * Integrate(t => Kappa(k, t, a, r) * Math.Cos(w * t), 0, double.PositiveInfinity);
                Close(fourier, Spectral(k, omega, alpha, rho), 1e-8, $"{k}(α = {alpha}, ρ = {rho}) at ω = {omega}");
            }
        Assert.True(double.IsNaN(Spectral(k, 1, 0, 1)));
        Assert.True(double.IsNaN(Spectral(k, 1, 1, -1)));
        Assert.True(double.IsNaN(Scale(k, 1, 1.5, 1, 0).Value));
    }

    /// <summary>
    /// The largest |Φ diag(S) Φᵀ − K| over a 41-point grid on [−1, 1] (L = 1.5) for m = 5, 10, 20, 30, divided by α², against
    /// the exact kernel matrix K (of <see cref="RealCovariance"/>) or against the approximation's limit as m → ∞: by
    /// Poisson summation, Σⱼ S(√λⱼ) φⱼ(x) φⱼ(x′) → Σₙ k(x − x′ + 4nL) − k(x + x′ + 2L + 4nL), the kernel with its images
    /// in the Dirichlet boundaries (whose reflected terms are the approximation's error near ±L).
    /// </summary>
    private static double[] Errors(Kernel k, double alpha, double rho, bool images)
    {
        const double boundary = 1.5;
        var x = Enumerable.Range(0, 41).Select(i => -1 + i * 0.05).ToArray();
        var target = new double[x.Length, x.Length];
        for (var i = 0; i < x.Length; i++)
            for (var j = 0; j < x.Length; j++)
            {
                if (!images) target[i, j] = Kappa(k, Math.Abs(x[i] - x[j]), alpha, rho);
                else
                    for (var n = -3; n <= 3; n++)
                        target[i, j] += Kappa(k, Math.Abs(x[i] - x[j] + 4 * n * boundary), alpha, rho) - Kappa(k, Math.Abs(x[i] + x[j] + 2 * boundary + 4 * n * boundary), alpha, rho);
            }
        var exact = k switch
        {
            Kernel.ExpQuad => RealCovariance.ExpQuad(x, alpha, rho),
            Kernel.Matern32 => RealCovariance.Matern32(x, alpha, rho),
            _ => RealCovariance.Matern52(x, alpha, rho),
        };
        if (!images)
            for (var i = 0; i < x.Length; i++)
                for (var j = 0; j < x.Length; j++) Close(exact[i, j].Value, target[i, j], 1e-14, "kernel");
        var errors = new List<double>();
        foreach (var m in new[] { 5, 10, 20, 30 })
        {
            var phi = RealHilbertGp.Basis(x, m, boundary);
            var s = Scales(k, m, boundary, alpha, rho).Select(v => v.Value * v.Value).ToArray();
            double worst = 0;
            for (var i = 0; i < x.Length; i++)
                for (var j = 0; j < x.Length; j++)
                {
                    double approx = 0;
                    for (var b = 0; b < m; b++) approx += phi[i, b] * s[b] * phi[j, b];
                    worst = Math.Max(worst, Math.Abs(approx - target[i, j]));
                }
            errors.Add(worst / (alpha * alpha));
        }
        return [.. errors];
    }

    /// <summary>With ρ = 0.25 the images' share at x = ±1 is small (e^−8 ≈ 3.4e−4 for the exponentiated quadratic), so m = 30 comes close to K.</summary>
    [Theory]
    [InlineData(Kernel.ExpQuad, 1e-3)]
    [InlineData(Kernel.Matern32, 0.02)]
    [InlineData(Kernel.Matern52, 0.01)]
    public void TheApproximateCovarianceConvergesToTheKernelMatrix(Kernel k, double tolerance)
    {
        var errors = Errors(k, 1.3, 0.25, images: false);
        output.WriteLine($"{k} against the kernel: max error / α² at m = 5, 10, 20, 30: {string.Join(", ", errors.Select(e => e.ToString("E2")))}");
        Assert.True(errors[3] < tolerance, $"error at m = 30: {errors[3]}");
        // Decreasing with m, until the error reaches its floor (the images, or rounding).
        for (var i = 1; i < errors.Length; i++)
            Assert.True(errors[i] < errors[i - 1] || errors[i] <= errors[i - 1] + 1e-12 && errors[i] < 2 * errors[3] + 1e-12, $"errors {string.Join(", ", errors)}");
    }

    /// <summary>Against its own limit the truncation error alone remains: spectral (to rounding by m = 20) for the exponentiated quadratic, about m⁻³ and m⁻⁵ for the Matérns.</summary>
    [Theory]
    [InlineData(Kernel.ExpQuad, 1e-12)]
    [InlineData(Kernel.Matern32, 2e-3)]
    [InlineData(Kernel.Matern52, 1e-4)]
    public void TheApproximateCovarianceConvergesToTheKernelWithItsBoundaryImages(Kernel k, double tolerance)
    {
        var errors = Errors(k, 1.3, 0.4, images: true);
        output.WriteLine($"{k} against the kernel with images: max error / α² at m = 5, 10, 20, 30: {string.Join(", ", errors.Select(e => e.ToString("E2")))}");
        Assert.True(errors[3] < tolerance, $"error at m = 30: {errors[3]}");
        // Decreasing with m, until the error reaches its floor (the images, or rounding).
        for (var i = 1; i < errors.Length; i++)
            Assert.True(errors[i] < errors[i - 1] || errors[i] <= errors[i - 1] + 1e-12 && errors[i] < 2 * errors[3] + 1e-12, $"errors {string.Join(", ", errors)}");
    }

    [Theory]
    [InlineData(Kernel.ExpQuad)]
    [InlineData(Kernel.Matern32)]
    [InlineData(Kernel.Matern52)]
    public void ScalesAndDensitiesHaveTheirFiniteDifferenceGradients(Kernel k)
    {
        var tape = Tape.Current;
        foreach (var (alpha, rho) in new[] { (1.0, 1.0), (1.7, 0.3), (0.6, 2.5) })
        {
            double[] p = [alpha, rho];
            foreach (var j in new[] { 1, 4, 12 })
            {
                tape.Reset();
                var a = tape.Variable(alpha);
                var r = tape.Variable(rho);
                var s = Scale(k, j, 1.5, a, r);
                Close(Math.Sqrt(Spectral(k, j * Math.PI / 3, alpha, rho)), s.Value, 1e-13, $"{k} scale {j}");
                tape.Backward(s);
                var jj = j;
                for (var i = 0; i < 2; i++)
                    Close(Partial(q => Math.Sqrt(Spectral(k, jj * Math.PI / 3, q[0], q[1])), p, i), i == 0 ? tape.Adjoint(a) : tape.Adjoint(r), 1e-8, $"{k} scale {j} d/dp[{i}] at ({alpha}, {rho})");
            }
            tape.Reset();
            var a2 = tape.Variable(alpha);
            var r2 = tape.Variable(rho);
            var density = k switch
            {
                Kernel.ExpQuad => RealHilbertGp.ExpQuadSpectralDensity(0.8, a2, r2),
                Kernel.Matern32 => RealHilbertGp.Matern32SpectralDensity(0.8, a2, r2),
                _ => RealHilbertGp.Matern52SpectralDensity(0.8, a2, r2),
            };
            tape.Backward(density);
            Close(Partial(q => Spectral(k, 0.8, q[0], q[1]), p, 0), tape.Adjoint(a2), 1e-8, $"{k} S d/dα");
            Close(Partial(q => Spectral(k, 0.8, q[0], q[1]), p, 1), tape.Adjoint(r2), 1e-8, $"{k} S d/dρ");
        }
    }
}

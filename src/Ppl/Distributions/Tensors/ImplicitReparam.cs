using MathNet.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// Implicit reparameterisation gradients (Figurnov et al. 2018): for a draw z with CDF F(z; α),
/// dz/dα = −(∂F/∂α)(z; α) / p(z; α). The gradient is attached through the surrogate
/// z.detach() + (α − α.detach())·dz/dα, whose value is exactly z.
/// </summary>
internal static class ImplicitReparam
{
    /// <summary>Standard gamma draws (rate 1) for each element of <paramref name="alpha"/>, with implicit gradients when it needs them.</summary>
    public static Tensor StandardGamma(Tensor alpha, Generator? g)
    {
        Tensor z;
        using (no_grad()) z = _standard_gamma(alpha.detach(), g);
        // A zero draw (underflow for tiny α) would make downstream logs and ratios infinite.
        var tiny = alpha.dtype == ScalarType.Float64 ? 1e-300 : 1e-38;
        z = z.ClampMin(tiny);
        return alpha.requires_grad ? AttachGamma(z, alpha) : z;
    }

    /// <summary>Attaches the implicit gradient of Gamma(α, 1) draws <paramref name="z"/> with respect to <paramref name="alpha"/> (same shape).</summary>
    public static Tensor AttachGamma(Tensor z, Tensor alpha)
    {
        var zd = z.detach();
        var ad = alpha.detach();
        var dz = Elementwise(zd, ad, GammaDzDAlpha);
        return zd.Plus((alpha - ad) * dz);
    }

    /// <summary>Attaches implicit gradients of Beta(a, b) draws <paramref name="x"/> with respect to both parameters (all the same shape).</summary>
    public static Tensor AttachBeta(Tensor x, Tensor a, Tensor b)
    {
        var xd = x.detach();
        var ad = a.detach();
        var bd = b.detach();
        var dxa = Elementwise3(xd, ad, bd, (xv, av, bv) => BetaDxDA(xv, av, bv));
        // By symmetry, 1 − x ~ Beta(b, a), so dx/db = −d(1 − x)/db.
        var dxb = Elementwise3(xd, ad, bd, (xv, av, bv) => -BetaDxDA(1 - xv, bv, av));
        return xd.Plus((a - ad) * dxa).Plus((b - bd) * dxb);
    }

    private static Tensor Elementwise(Tensor z, Tensor a, Func<double, double, double> f)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var zc = z.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var ac = a.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var r = new double[zc.Length];
        for (var i = 0; i < r.Length; i++) r[i] = f(zc[i], ac[i]);
        return tensor(r, z.shape, ScalarType.Float64).to(z.dtype, z.device).MoveToOuterDisposeScope();
    }

    private static Tensor Elementwise3(Tensor x, Tensor a, Tensor b, Func<double, double, double, double> f)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var xc = x.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var ac = a.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var bc = b.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var r = new double[xc.Length];
        for (var i = 0; i < r.Length; i++) r[i] = f(xc[i], ac[i], bc[i]);
        return tensor(r, x.shape, ScalarType.Float64).to(x.dtype, x.device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ∂P(α, z)/∂α by Richardson-extrapolated central differences of the regularised incomplete gamma,
    /// differencing whichever of P and Q = 1 − P is smaller so that neither tail cancels.
    /// </summary>
    internal static double GammaDzDAlpha(double z, double alpha)
    {
        if (!(z > 0) || double.IsInfinity(z) || !(alpha > 0)) return 0;
        var lower = SpecialFunctions.GammaLowerRegularized(alpha, z) < 0.5;
        double F(double a) => lower ? SpecialFunctions.GammaLowerRegularized(a, z) : -SpecialFunctions.GammaUpperRegularized(a, z);
        var dF = Richardson(F, alpha, 1e-3 * alpha);
        var logPdf = (alpha - 1) * Math.Log(z) - z - SpecialFunctions.GammaLn(alpha);
        var r = -dF * Math.Exp(-logPdf);
        return double.IsFinite(r) ? r : 0;
    }

    /// <summary>dx/da for x ~ Beta(a, b): −∂I_x(a, b)/∂a / p(x).</summary>
    internal static double BetaDxDA(double x, double a, double b)
    {
        if (!(x > 0 && x < 1)) return 0;
        var lower = SpecialFunctions.BetaRegularized(a, b, x) < 0.5;
        double F(double av) => lower ? SpecialFunctions.BetaRegularized(av, b, x) : -SpecialFunctions.BetaRegularized(b, av, 1 - x);
        var dF = Richardson(F, a, 1e-3 * a);
        var logPdf = (a - 1) * Math.Log(x) + (b - 1) * Math.Log(1 - x) - SpecialFunctions.BetaLn(a, b);
        var r = -dF * Math.Exp(-logPdf);
        return double.IsFinite(r) ? r : 0;
    }

    private static double Richardson(Func<double, double> f, double x, double h)
    {
        double D(double s) => (f(x + s) - f(x - s)) / (2 * s);
        return (4 * D(h / 2) - D(h)) / 3;
    }
}

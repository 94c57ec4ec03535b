using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>Parameter checks shared by the tensor families; each names the parameter and an offending value.</summary>
internal static class TensorChecks
{
    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string? Check(string name, Tensor t, Func<Tensor, Tensor> ok, string requirement)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var x = t.detach();
        var good = ok(x);
        if (good.all().item<bool>()) return null;
        var bad = x.masked_select(good.logical_not());
        var v = bad.numel() > 0 ? bad[0].to_type(ScalarType.Float64).item<double>() : double.NaN;
        return $"{name} must be {requirement}, got {Show(v)}";
    }

    // Fast paths: reductions without temporaries decide the usual (valid) case; anything they cannot
    // clear (NaN, infinities, a sum that overflows) goes to the exact elementwise check, which finds the value.
    public static string? Finite(string name, Tensor t) =>
        IsFloating(t) && SumIsFinite(t) ? null : Check(name, t, x => x.isfinite(), "finite");

    public static string? Positive(string name, Tensor t) =>
        IsFloating(t) && Reduce(t, x => x.min()) > 0 && SumIsFinite(t) ? null
            : Check(name, t, x => x.isfinite().logical_and(x.Gt(0)), "positive and finite");

    public static string? Probability(string name, Tensor t) =>
        IsFloating(t) && Reduce(t, x => x.min()) >= 0 && Reduce(t, x => x.max()) <= 1 ? null
            : Check(name, t, x => x.Ge(0).logical_and(x.Le(1)), "in [0, 1]");

    /// <summary>
    /// A location that must be finite and a scale that must be positive and finite (Normal, LogNormal): the
    /// three reductions that clear the valid case are read back together, one transfer instead of three;
    /// anything they cannot clear goes to the exact checks, which name the first offending parameter.
    /// </summary>
    public static string? FiniteAndPositive(string locationName, Tensor location, string scaleName, Tensor scale)
    {
        if (IsFloating(location) && IsFloating(scale))
        {
            using var scope = NewDisposeScope();
            using var ng = no_grad();
            var r = stack([location.sum().to_type(ScalarType.Float64), scale.min().to_type(ScalarType.Float64), scale.sum().to_type(ScalarType.Float64)])
                .data<double>().ToArray();
            if (double.IsFinite(r[0]) && r[1] > 0 && double.IsFinite(r[2])) return null;
        }
        return First(() => Finite(locationName, location), () => Positive(scaleName, scale));
    }

    private static bool IsFloating(Tensor t) => t.numel() > 0 && t.is_floating_point();

    private static bool SumIsFinite(Tensor t) => double.IsFinite(Reduce(t, x => x.sum()));

    /// <summary>A full reduction as a double (NaN propagates through min, max and sum); under no_grad no graph is recorded, so no detach.</summary>
    private static double Reduce(Tensor t, Func<Tensor, Tensor> reduction)
    {
        using var ng = no_grad();
        using var r = reduction(t);
        return Item(r);
    }

    /// <summary>A 0-d floating tensor's value as a double, read without a conversion for float32 and float64.</summary>
    public static double Item(Tensor r)
    {
        switch (r.dtype)
        {
            case ScalarType.Float64: return r.item<double>();
            case ScalarType.Float32: return r.item<float>();
            default:
                using (var d = r.to_type(ScalarType.Float64)) return d.item<double>();
        }
    }

    public static string? NonNegativeInteger(string name, Tensor t) =>
        Check(name, t, x => x.isfinite().logical_and(x.Ge(0)).logical_and(x.eq(x.floor())), "a non-negative integer");

    public static string? Integer(string name, Tensor t) =>
        Check(name, t, x => x.isfinite().logical_and(x.eq(x.floor())), "a finite integer");

    public static string? NotNaN(string name, Tensor t) => Check(name, t, x => x.isnan().logical_not(), "a number (not NaN)");

    /// <summary>Positive, +∞ allowed (a width between bounds that may be infinite).</summary>
    public static string? PositiveOrInfinite(string name, Tensor t) => Check(name, t, x => x.Gt(0.0), "positive");

    public static string? NonNegative(string name, Tensor t) =>
        Check(name, t, x => x.isfinite().logical_and(x.Ge(0.0)), "non-negative and finite");

    /// <summary>Vectors (last dimension) of norm 1 within <paramref name="tolerance"/>; the message gives the first norm that is not.</summary>
    public static string? UnitNorm(string name, Tensor t, double tolerance)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var norms = t.detach().Squared().sum(-1).sqrt();
        var bad = norms.Minus(1.0).abs().Le(tolerance).logical_not();
        if (!bad.any().item<bool>()) return null;
        return $"{name} must be a unit vector, got one of norm {Show(norms.masked_select(bad)[0].to_type(ScalarType.Float64).item<double>())}";
    }

    public static string? Simplex(string name, Tensor t)
    {
        if (Check(name, t, x => x.isfinite().logical_and(x.Ge(0)), "non-negative and finite") is { } e) return e;
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var tol = t.dtype == ScalarType.Float64 ? 1e-8 : 1e-4;
        var dev = t.detach().sum(-1).Minus(1).abs();
        if (dev.Le(tol * t.shape[^1]).all().item<bool>()) return null;
        var worst = t.detach().sum(-1).masked_select(dev.Gt(tol * t.shape[^1]))[0].to_type(ScalarType.Float64).item<double>();
        return $"{name} must lie on the simplex (sum to 1 along the last dimension), got a row summing to {Show(worst)}";
    }

    public static string? LowerCholesky(string name, Tensor t)
    {
        if (Finite(name, t) is { } e) return e;
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var x = t.detach();
        var upper = x.triu(1);
        if (upper.Ne(0).any().item<bool>())
            return $"{name} must be lower triangular, got {Show(upper.masked_select(upper.Ne(0))[0].to_type(ScalarType.Float64).item<double>())} above the diagonal";
        return Check(name + " diagonal", x.diagonal(0, -2, -1), d => d.Gt(0), "positive");
    }

    public static string? First(params Func<string?>[] checks)
    {
        foreach (var c in checks)
            if (c() is { } e) return e;
        return null;
    }
}

namespace Ppl.Inference.Mcmc;

/// <summary>
/// An unnormalised log density on ℝⁿ with its gradient: what HMC, MALA and NUTS consume. Positions are
/// in unconstrained space. Implementations must be safe to call from several threads at once (chains
/// run in parallel over one density).
/// </summary>
public interface IDifferentiableDensity
{
    /// <summary>The dimension n.</summary>
    int Dimension { get; }

    /// <summary>log p(x) up to a constant; −∞ where p is zero.</summary>
    double LogDensity(ReadOnlySpan<double> x);

    /// <summary>log p(x), writing ∇ log p(x) into <paramref name="gradient"/> (length n).</summary>
    double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> gradient);
}

namespace Ppl.Inference.Mcmc;

/// <summary>Which metric warm-up adapts.</summary>
public enum MetricKind
{
    /// <summary>The identity; only the step size adapts.</summary>
    Unit,

    /// <summary>A diagonal M⁻¹ (posterior variances), Stan's default.</summary>
    Diagonal,

    /// <summary>A dense M⁻¹ (posterior covariance).</summary>
    Dense,
}

namespace Ppl.Inference.Amortized.Brain;

/// <summary>The control variate b subtracted from the target weights (see <see cref="TargetWeighting"/>).</summary>
public enum BaselineKind
{
    /// <summary>b = 0 (DPG, RWS q-wake).</summary>
    None,

    /// <summary>
    /// b = β̂ = β / Σ β with β_i = q_θ(y_i | x) / q′(y_i | x): the self-normalised estimate of
    /// E_q[∇ log q] = 0 (BRAIn). With it the gradient is exactly 0 when q_θ equals the target.
    /// </summary>
    SelfNormalized,

    /// <summary>b = β / n (GDC++): unbiased for 0 but its variance grows with the proposal mismatch.</summary>
    Unnormalized,

    /// <summary>
    /// Leave-one-out mean of the other samples' target weights (REINFORCE with the RLOO baseline);
    /// meant for <see cref="TargetWeighting.LogRatio"/>.
    /// </summary>
    LeaveOneOut,
}

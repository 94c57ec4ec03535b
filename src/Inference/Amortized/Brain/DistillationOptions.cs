namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// Which member of the distillation family to compute: BRAIn and its special cases are one estimator
/// with different weightings (papers.md 4.2, 4.3), so that comparisons share every other line of code.
/// </summary>
public sealed record DistillationOptions
{
    /// <summary>How the target half weights the samples.</summary>
    public TargetWeighting Target { get; init; } = TargetWeighting.SelfNormalized;

    /// <summary>The control variate subtracted from the target weights.</summary>
    public BaselineKind Baseline { get; init; } = BaselineKind.SelfNormalized;

    /// <summary>A short name for tables and JSON.</summary>
    public string Name { get; init; } = "brain";

    /// <summary>BRAIn: self-normalised target weights and the self-normalised baseline.</summary>
    public static DistillationOptions Brain { get; } = new();

    /// <summary>DPG (Khalifa et al. 2021): normalised target weights, no baseline.</summary>
    public static DistillationOptions Dpg { get; } = new() { Target = TargetWeighting.Normalized, Baseline = BaselineKind.None, Name = "dpg" };

    /// <summary>GDC++ (Korbak et al. 2022): normalised target weights, unnormalised baseline.</summary>
    public static DistillationOptions GdcPlusPlus { get; } = new() { Target = TargetWeighting.Normalized, Baseline = BaselineKind.Unnormalized, Name = "gdcpp" };

    /// <summary>Reweighted wake-sleep, q-wake: self-normalised target weights, no baseline (use with the policy as proposal).</summary>
    public static DistillationOptions RwsWake { get; } = new() { Target = TargetWeighting.SelfNormalized, Baseline = BaselineKind.None, Name = "rws" };

    /// <summary>
    /// DPO on prior samples (DPO-sft): with n = 2 and the prior as proposal the loss is
    /// −log σ([log q(y_w) − log p(y_w)] − [log q(y_l) − log p(y_l)]), DPO with β = 1.
    /// </summary>
    public static DistillationOptions Dpo { get; } = new() { Target = TargetWeighting.Argmax, Baseline = BaselineKind.SelfNormalized, Name = "dpo" };

    /// <summary>KL-regularised on-policy REINFORCE (PPO's objective without clipping) with the leave-one-out baseline.</summary>
    public static DistillationOptions Reinforce { get; } = new() { Target = TargetWeighting.LogRatio, Baseline = BaselineKind.LeaveOneOut, Name = "reinforce" };

    /// <summary>True when the target weights need log Z (one value per prompt).</summary>
    public bool NeedsLogNormalizer => Target == TargetWeighting.Normalized;
}

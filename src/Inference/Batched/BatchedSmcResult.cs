using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>The particle population at the end of <see cref="BatchedSmc"/>.</summary>
public sealed class BatchedSmcResult
{
    internal BatchedSmcResult(Tensor state, Tensor logWeights, BatchedChoices choices, double[] increments, double[] ess, int resamplings, double moveAcceptance)
    {
        State = state;
        LogWeights = logWeights;
        Choices = choices;
        LogEvidenceIncrements = increments;
        EffectiveSampleSizes = ess;
        Resamplings = resamplings;
        MoveAcceptance = moveAcceptance;
        LogEvidence = increments.Sum();
    }

    /// <summary>The final carried state of all N particles.</summary>
    public Tensor State { get; }

    /// <summary>The final log weights [N] (not normalised).</summary>
    public Tensor LogWeights { get; }

    /// <summary>The choices kept: the whole history (addresses t / local) or the last step's.</summary>
    public BatchedChoices Choices { get; }

    /// <summary>log p̂(yₜ | y₁..yₜ₋₁) for t = 1..T; their sum is <see cref="LogEvidence"/>.</summary>
    public IReadOnlyList<double> LogEvidenceIncrements { get; }

    /// <summary>The unbiased estimate of log p(y₁..y_T) (unbiased on the natural scale).</summary>
    public double LogEvidence { get; }

    /// <summary>The ESS after weighting, per step.</summary>
    public IReadOnlyList<double> EffectiveSampleSizes { get; }

    /// <summary>How many steps resampled.</summary>
    public int Resamplings { get; }

    /// <summary>The mean acceptance rate of the rejuvenation move (NaN without one).</summary>
    public double MoveAcceptance { get; }

    /// <summary>The self-normalised weighted mean of the state over particles (event shape).</summary>
    public Tensor MeanState()
    {
        using var ng = no_grad();
        var w = (LogWeights - LogWeights.logsumexp(0)).exp();
        var shape = Enumerable.Repeat(1L, (int)State.dim()).ToArray();
        shape[0] = w.shape[0];
        return (State * w.reshape(shape)).sum(dim: 0);
    }
}

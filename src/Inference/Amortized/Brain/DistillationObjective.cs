using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// The posterior-distillation gradient of papers.md 4.2 and its special cases, on [B, n] tensors of
/// log densities. For each prompt the ascent direction is g = Σ_i c_i ∇θ log q_θ(y_i | x) with
/// c = t − b (<see cref="Coefficients"/>); <see cref="Loss"/> is a scalar whose gradient is −g averaged
/// over prompts. Every quantity is formed in log space (log-softmax, logsumexp) so that weights spanning
/// hundreds of nats neither overflow nor underflow.
/// </summary>
public static class DistillationObjective
{
    /// <summary>
    /// The coefficients c = t − b of ∇ log q_θ(y_i | x), shape [B, n], detached. Rows of prompts with no
    /// usable sample (every α = 0, e.g. a hard threshold nobody passed) are 0: they carry no information.
    /// </summary>
    /// <param name="batch">The stored scores of the proposal samples.</param>
    /// <param name="logQ">log q_θ(y_i | x), [B, n] (its gradient is not used here).</param>
    /// <param name="options">Which estimator.</param>
    public static Tensor Coefficients(SampleBatch batch, Tensor logQ, DistillationOptions options)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var lq = logQ.detach();
        CheckShapes(batch, lq, options);
        var valid = ValidPrompts(batch, options);
        var t = TargetWeights(batch, lq, options, valid);
        var b = BaselineWeights(batch, lq, options, t);
        var c = where(valid.unsqueeze(1), t - b, zeros_like(t));
        return c.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A scalar loss whose gradient with respect to anything <paramref name="logQ"/> depends on is
    /// −(1/B′) Σ_b g_b, B′ the number of prompts with a usable sample. Where the baseline is the
    /// self-normalised one, its value is the cross-entropy −Σ_i t_i log β̂_i of papers.md 4.2 (for DPO:
    /// the DPO loss); otherwise it is the surrogate −Σ_i c_i log q_θ(y_i) with c held constant.
    /// </summary>
    public static Tensor Loss(SampleBatch batch, Tensor logQ, DistillationOptions options)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(options);
        CheckShapes(batch, logQ, options);
        using var scope = NewDisposeScope();
        Tensor valid, weights;
        using (no_grad())
        {
            valid = ValidPrompts(batch, options);
            var t = TargetWeights(batch, logQ.detach(), options, valid);
            weights = options.Baseline == BaselineKind.SelfNormalized
                ? t
                : t - BaselineWeights(batch, logQ.detach(), options, t);
            weights = where(valid.unsqueeze(1), weights, zeros_like(weights));
        }
        var count = Math.Max(1L, valid.sum().item<long>());
        Tensor perSample;
        if (options.Baseline == BaselineKind.SelfNormalized)
        {
            // −Σ t log β̂: its gradient is −Σ (t − β̂) ∇ log q because Σ t = 1 for these weightings.
            var logBetaHat = torch.nn.functional.log_softmax(logQ - batch.LogProposal, 1);
            perSample = where(weights.Gt(0), -weights * logBetaHat, zeros_like(logBetaHat));
        }
        else
        {
            perSample = -weights * logQ;
        }
        return perSample.sum().Over(count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The per-sample weights w with ∇ Loss = ∇θ Σ w_i log q_θ(y_i): −c / B′. A family that cannot put
    /// its log densities on the autograd tape (a generative function) pushes these through its own
    /// parameter gradients.
    /// </summary>
    public static Tensor LossWeights(SampleBatch batch, Tensor logQ, DistillationOptions options)
    {
        using var scope = NewDisposeScope();
        var c = Coefficients(batch, logQ, options);
        using var _ = no_grad();
        var count = Math.Max(1L, ValidPrompts(batch, options).sum().item<long>());
        return (-c).Over(count).MoveToOuterDisposeScope();
    }

    /// <summary>Kish's effective sample size 1 / Σ α̂² of the target weights, per prompt ([B]; 0 for rows without a usable sample).</summary>
    public static Tensor EffectiveSampleSize(SampleBatch batch)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logA = batch.LogTargetWeights();
        var lse = logA.logsumexp(1, keepdim: true);
        var ok = isfinite(lse).squeeze(1);
        var a = exp(logA - where(isfinite(lse), lse, zeros_like(lse)));
        var ess = (a * a).sum(1).reciprocal();
        return where(ok, ess, zeros_like(ess)).MoveToOuterDisposeScope();
    }

    /// <summary>Prompts with at least one sample of positive target weight ([B] bool).</summary>
    private static Tensor ValidPrompts(SampleBatch batch, DistillationOptions options)
    {
        if (options.Target is TargetWeighting.Normalized or TargetWeighting.LogRatio)
            return ones(batch.Prompts, ScalarType.Bool);
        var logA = batch.LogTargetWeights();
        return logA.Gt(double.NegativeInfinity).any(1);
    }

    private static Tensor TargetWeights(SampleBatch batch, Tensor logQ, DistillationOptions options, Tensor valid)
    {
        var logA = batch.LogTargetWeights();
        var n = batch.SamplesPerPrompt;
        switch (options.Target)
        {
            case TargetWeighting.SelfNormalized:
            {
                // Rows with no usable sample would give 0/0; shift them by 0 and zero them afterwards.
                var lse = logA.logsumexp(1, keepdim: true);
                var safe = where(valid.unsqueeze(1), lse, zeros_like(lse));
                return where(valid.unsqueeze(1), exp(logA - safe), zeros_like(logA));
            }
            case TargetWeighting.Normalized:
                return exp(logA - batch.LogNormalizer!.unsqueeze(1)).Over(n);
            case TargetWeighting.Argmax:
            {
                var max = logA.max(1, keepdim: true).values;
                var isMax = (logA == max) & valid.unsqueeze(1);
                var hits = isMax.to_type(logA.dtype);
                return hits / hits.sum(1, keepdim: true).ClampMin(1.0);
            }
            case TargetWeighting.LogRatio:
            {
                var adv = batch.LogPrior.Plus(batch.LogGoodness) - logQ;
                if (!isfinite(adv).all().item<bool>())
                    throw new ArgumentException("KL-regularised REINFORCE needs finite log p + log ℓ − log q for every sample; a sample with zero goodness or zero prior density makes the reverse KL infinite.");
                return adv.Over(n);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Target, "Unknown target weighting.");
        }
    }

    private static Tensor BaselineWeights(SampleBatch batch, Tensor logQ, DistillationOptions options, Tensor target)
    {
        var n = batch.SamplesPerPrompt;
        switch (options.Baseline)
        {
            case BaselineKind.None:
                return zeros_like(target);
            case BaselineKind.SelfNormalized:
                return torch.nn.functional.softmax(logQ - batch.LogProposal, 1);
            case BaselineKind.Unnormalized:
                return exp(logQ - batch.LogProposal).Over(n);
            case BaselineKind.LeaveOneOut:
                if (n < 2) throw new ArgumentException("The leave-one-out baseline needs at least 2 samples per prompt.", nameof(options));
                return (target.sum(1, keepdim: true) - target).Over(n - 1);
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Baseline, "Unknown baseline.");
        }
    }

    private static void CheckShapes(SampleBatch batch, Tensor logQ, DistillationOptions options)
    {
        var shape = batch.LogPrior.shape;
        if (shape.Length != 2)
            throw new ArgumentException($"Sample batches are [prompts, samples]; got log-prior shape [{string.Join(", ", shape)}].", nameof(batch));
        foreach (var (name, t) in new[] { ("log proposal", batch.LogProposal), ("log goodness", batch.LogGoodness), ("log q", logQ) })
            if (!t.shape.SequenceEqual(shape))
                throw new ArgumentException($"The {name} tensor has shape [{string.Join(", ", t.shape)}], expected [{string.Join(", ", shape)}].");
        if (options.NeedsLogNormalizer)
        {
            if (batch.LogNormalizer is null)
                throw new ArgumentException($"Estimator '{options.Name}' uses normalised target weights and needs SampleBatch.LogNormalizer (log Z per prompt).", nameof(batch));
            if (batch.LogNormalizer.shape.Length != 1 || batch.LogNormalizer.shape[0] != shape[0])
                throw new ArgumentException($"LogNormalizer must have shape [{shape[0]}].", nameof(batch));
        }
        if (options.Target == TargetWeighting.Argmax && shape[1] < 2)
            throw new ArgumentException("Argmax (DPO) weighting needs at least 2 samples per prompt.", nameof(options));
        using var _ = no_grad();
        if (isnan(batch.LogPrior).any().item<bool>() || isnan(batch.LogProposal).any().item<bool>() || isnan(batch.LogGoodness).any().item<bool>())
            throw new ArgumentException("A stored log density or log goodness is NaN.", nameof(batch));
        if (isnan(logQ).any().item<bool>())
            throw new ArgumentException("log q_θ is NaN for some sample: the policy's parameters have diverged.", nameof(logQ));
        if (batch.LogProposal.Eq(double.NegativeInfinity).any().item<bool>())
            throw new ArgumentException("A sample has zero proposal density: it cannot have been drawn from that proposal.", nameof(batch));
    }
}

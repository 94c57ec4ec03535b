using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>A batched variational objective: the scalar estimate (differentiable) and its per-particle terms [N].</summary>
/// <param name="Value">The objective estimate, a 0-d tensor carrying gradients to the guide's (and model's) parameters.</param>
/// <param name="PerParticle">log p(x, z) − log q(z) for each of the N particles.</param>
public readonly record struct BatchedObjective(Tensor Value, Tensor PerParticle);

/// <summary>
/// Variational objectives over N particles as one tensor computation: the guide is simulated once for all N
/// with reparameterised draws, the model is assessed once at the guide's choices plus the observations, and
/// the objective is a reduction of the [N] log-ratio. Backpropagating through <see cref="BatchedObjective.Value"/>
/// gives the reparameterisation gradient estimate.
/// </summary>
public static class BatchedVariational
{
    /// <summary>The ELBO estimate mean(log p(x, z) − log q(z)) over N particles z ~ q.</summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">The observed values.</param>
    /// <param name="guide">The guide, whose choices are the model's latent choices at the same addresses.</param>
    /// <param name="guideArgs">The guide's arguments (its parameters, typically tensors that require gradients).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="device">Where the tensors live (CPU when null).</param>
    /// <param name="dtype">Their floating dtype.</param>
    /// <param name="reparameterized">
    /// Draw the guide's choices with the reparameterised sampler (the default). False draws without
    /// gradient, which leaves only the score term: a biased gradient, useful only as a control.
    /// </param>
    public static BatchedObjective Elbo<TArgs, TRet, TGArgs, TGRet>(BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices observations,
        BatchedModel<TGArgs, TGRet> guide, TGArgs guideArgs, int particles, Rng rng, Device? device = null, ScalarType dtype = ScalarType.Float64,
        bool reparameterized = true)
    {
        var logRatio = LogRatio(model, args, observations, guide, guideArgs, particles, rng, device, dtype, reparameterized);
        return new BatchedObjective(logRatio.mean(), logRatio);
    }

    /// <summary>The importance-weighted bound log mean(exp(log p(x, z) − log q(z))) over the N particles (IWAE with K = N).</summary>
    public static BatchedObjective Iwae<TArgs, TRet, TGArgs, TGRet>(BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices observations,
        BatchedModel<TGArgs, TGRet> guide, TGArgs guideArgs, int particles, Rng rng, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        var logRatio = LogRatio(model, args, observations, guide, guideArgs, particles, rng, device, dtype, true);
        return new BatchedObjective(logRatio.logsumexp(0).Minus(Math.Log(particles)), logRatio);
    }

    private static Tensor LogRatio<TArgs, TRet, TGArgs, TGRet>(BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices observations,
        BatchedModel<TGArgs, TGRet> guide, TGArgs guideArgs, int particles, Rng rng, Device? device, ScalarType dtype, bool reparameterized)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(guide);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        var q = reparameterized
            ? guide.SimulateReparameterized(guideArgs, particles, rng, device, dtype)
            : guide.Simulate(guideArgs, particles, rng, device, dtype);
        var constraints = observations.Copy();
        foreach (var a in q.Choices.Addresses)
        {
            if (observations.Contains(a))
                throw new ModelException($"The guide '{guide.Name}' samples the observed address '{a}'.", a);
            constraints.Set(a, q.Choices[a]);
        }
        var (logP, _) = model.Assess(args, constraints, particles, device, dtype);
        return logP - q.Score;
    }
}

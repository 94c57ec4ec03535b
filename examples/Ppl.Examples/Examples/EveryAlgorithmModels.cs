using Ppl.Autodiff;
using Ppl.Inference.Variational;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// The model every algorithm of <see cref="EveryAlgorithmExample"/> runs on, written once as a [Model] method: a
/// continuous latent μ ~ N(0, 1), a discrete latent s ~ Bernoulli(½) that shifts the data's mean by
/// <see cref="Shift"/>, and n data yᵢ ~ N(μ + s·shift, 1). The data are Sample sites, given as observations (a choice
/// map), so the same method is the simulator the Distribution Transformer trains on and the model every algorithm
/// conditions. Given s the model is conjugate, so its posterior and evidence are exact (<see cref="EveryAlgorithmExact"/>).
/// </summary>
public static partial class EveryAlgorithmModels
{
    /// <summary>How far s = 1 moves the data's mean.</summary>
    public const double Shift = 1.0;

    /// <summary>The model: μ ~ N(0, 1), s ~ Bernoulli(½), yᵢ ~ N(μ + s·shift, 1) at "y"/i for i &lt; n.</summary>
    [Model]
    public static double Switch(int n)
    {
        var mu = Sample(Normal(0, 1), "mu");
        var s = Sample(Bernoulli(0.5), "s");
        var offset = s ? Shift : 0.0;
        for (var i = 0; i < n; i++) _ = Sample(Normal(mu + offset, 1), "y", i);
        return mu;
    }

    // A policy with trainable parameters is a tensor program (Param, tensor sites): it has no batched, resumable or
    // differentiable form over doubles, and needs none; BRAIn runs its handler body.
#pragma warning disable PPL0010, PPL0011, PPL0012
    /// <summary>
    /// The VI guide q(s) q(μ | s): s ~ Bernoulli(σ(<paramref name="logit"/>)), scored by REINFORCE with a running-average
    /// baseline, and μ | s ~ N(<paramref name="means"/>[s], exp(<paramref name="logSds"/>[s])²), reparameterised. Its
    /// parameters are arguments, owned by the run that trains them, so each VI run starts fresh.
    /// </summary>
    [Model]
    public static Tensor SwitchGuide(Tensor logit, Tensor means, Tensor logSds)
    {
        var s = Sample(BernoulliLogits(logit).Reinforce(Baseline.RunningAverage(0.9)), "s");
        var index = s.to(ScalarType.Int64).reshape(-1);
        var mean = means.index_select(0, index).reshape(s.shape);
        var sd = logSds.index_select(0, index).reshape(s.shape).exp();
        return Sample(Normal(mean, sd).Reparam(), "mu");
    }

    /// <summary>
    /// The BRAIn policy q(s, μ): s ~ Bernoulli(σ(ℓ)), μ | s ~ N(m_s, exp(log σ_s)²), with ℓ, m and log σ trainable.
    /// </summary>
    [Model]
    public static Tensor SwitchPolicy(int n)
    {
        var logit = Param("s_logit", () => tensor(0.0, ScalarType.Float64));
        var means = Param("mu_mean", () => tensor(new[] { 0.0, 0.0 }, ScalarType.Float64));
        var logSds = Param("mu_log_sd", () => tensor(new[] { 0.0, 0.0 }, ScalarType.Float64));
        var s = Sample(BernoulliLogits(logit), "s");
        var k = (long)s.item<double>();
        var mu = Sample(Normal(means[k], logSds[k].exp()), "mu");
        return mu;
    }
#pragma warning restore PPL0010, PPL0011, PPL0012
}

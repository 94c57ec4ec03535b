using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

public static partial class Objectives
{
    /// <summary>
    /// Reweighted wake-sleep, wake-p: E[log p_θ(x̃, y)] with x̃ from SIR_K(q → p(·|y)), in its
    /// Rao-Blackwellised form Σₖ w̄ₖ log p_θ(xₖ, y) (the expectation of picking one particle ∝ w̄). The
    /// particles and weights carry no gradient, as in RWS.
    /// </summary>
    public static Expectation PWake<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ISpDistribution proposal, int k)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return Vi.E(vi =>
        {
            var (xs, wbar) = Sir(vi, model, args, proposal, k);
            Tensor? total = null;
            for (var i = 0; i < k; i++)
            {
                var t = wbar[i] * vi.Density(model, args, xs[i]);
                total = total is null ? t : total.Plus(t);
            }
            return total!;
        });
    }

    /// <summary>Reweighted wake-sleep, wake-q: E[log q_φ(x̃)] with x̃ from SIR_K(q → p(·|y)), Rao-Blackwellised as in <see cref="PWake"/>.</summary>
    public static Expectation QWake<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ISpDistribution guide, int k)
    {
        ArgumentNullException.ThrowIfNull(guide);
        return Vi.E(vi =>
        {
            var (xs, wbar) = Sir(vi, model, args, guide, k);
            Tensor? total = null;
            for (var i = 0; i < k; i++)
            {
                var t = wbar[i] * guide.EstimateLogDensity(vi, xs[i]);
                total = total is null ? t : total.Plus(t);
            }
            return total!;
        });
    }

    /// <summary>
    /// Reweighted wake-sleep, sleep phase: E_{(x, y) ~ p}[log q_φ(x | y)], with (x, y) dreamt from the model
    /// (observations drawn too); <paramref name="guideFor"/> builds the amortised guide for the dreamt observations.
    /// </summary>
    public static Expectation Sleep<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, Func<ChoiceMap, ISpDistribution> guideFor)
    {
        ArgumentNullException.ThrowIfNull(guideFor);
        return Vi.E(vi =>
        {
            var dream = vi.Dream(model, args);
            return guideFor(dream.Observations).EstimateLogDensity(vi, dream.Latents);
        });
    }

    /// <summary>K particles from <paramref name="proposal"/> (no gradient) with their self-normalised weights p(x, y)/q̂(x).</summary>
    private static (ChoiceMap[] Particles, Tensor[] Weights) Sir<TArgs, TRet>(ViContext vi, IGenerativeFunction<TArgs, TRet> model, TArgs args, ISpDistribution proposal, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be at least 1.");
        var xs = new ChoiceMap[k];
        var logw = new Tensor[k];
        vi.Detached(() =>
        {
            for (var i = 0; i < k; i++)
            {
                var (x, logq) = proposal.RandomWeighted(vi);
                xs[i] = ViMath.Detach(x);
                logw[i] = (vi.Density(model, args, xs[i]) - logq).detach();
            }
            return 0;
        });
        var w = ViMath.Normalise(logw).detach();
        return (xs, Enumerable.Range(0, k).Select(i => w[i]).ToArray());
    }
}

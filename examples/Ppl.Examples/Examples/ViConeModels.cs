using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>The noisy cone of papers.md §2.8 as a [Model] method with tensor sites: the VI objectives run it as written.</summary>
public static partial class ViConeModels
{
    // Tensor sites: no batched or differentiable form (both are over doubles); VI runs the generated body.
#pragma warning disable PPL0011, PPL0012
    /// <summary>x, y ~ N(0, 10); z ~ N(r², 0.1 + r²/100) with r² = x² + y²; z = 5 observed.</summary>
    [Model]
    public static Tensor Cone()
    {
        var x = Sample(Normal(tensor(0.0), tensor(10.0)));
        var y = Sample(Normal(tensor(0.0), tensor(10.0)));
        var r2 = x.Squared().Plus(y.Squared());
        Observe(Normal(r2, r2.Over(100).Plus(0.1)), tensor(5.0), "z");
        return r2;
    }

    // The guides take their variational parameters as arguments: the caller owns them (a fresh pair per run, trained
    // as Trainer.Maximize's extra tensors), so one [Model] serves every run with no parameter store shared between them.

    /// <summary>
    /// Mean-field q(x, y) = N(μ₁, e^{ℓ₁}) N(μ₂, e^{ℓ₂}) (standard deviations), μ = <paramref name="mu"/>, ℓ =
    /// <paramref name="logSigma"/>, each of shape [2], or [R, 2] for R independent guides, one per particle (each draw
    /// then has batch shape [R], the particle dimension).
    /// </summary>
    [Model]
    public static Tensor MeanField(Tensor mu, Tensor logSigma)
    {
        var x = Sample(Normal(mu.select(-1, 0), logSigma.select(-1, 0).exp()), "x");
        _ = Sample(Normal(mu.select(-1, 1), logSigma.select(-1, 1).exp()), "y");
        return x;
    }

    /// <summary>Expressive: u ~ U(0, 1), θ = 2πu, x ~ N(√5 cos θ, e^{ℓ₁}), y ~ N(√5 sin θ, e^{ℓ₂}), ℓ = <paramref name="logSigma"/>.</summary>
    [Model]
    public static Tensor Expressive(Tensor logSigma)
    {
        var u = Sample(Uniform(tensor(0.0), tensor(1.0)), "u");
        var theta = u.Times(2 * Math.PI);
        var x = Sample(Normal(theta.cos().Times(Math.Sqrt(5)), logSigma[0].exp()), "x");
        _ = Sample(Normal(theta.sin().Times(Math.Sqrt(5)), logSigma[1].exp()), "y");
        return x;
    }
#pragma warning restore PPL0011, PPL0012
}

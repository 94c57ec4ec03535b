using Ppl.Autodiff;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>
/// The model every algorithm of <see cref="EveryAlgorithmExample"/> runs on, written once as a [Model] method: a
/// continuous latent μ ~ N(0, 1), a discrete latent s ~ Bernoulli(½) that shifts the data's mean by
/// <see cref="Shift"/>, and n observations yᵢ ~ N(μ + s·shift, 1). Given s the model is conjugate, so its posterior
/// and evidence are exact by enumeration over s and conjugacy over μ (<see cref="EveryAlgorithmExact"/>).
/// </summary>
public static partial class EveryAlgorithmModels
{
    /// <summary>How far s = 1 moves the data's mean.</summary>
    public const double Shift = 1.0;

    /// <summary>The model: μ ~ N(0, 1), s ~ Bernoulli(½), yᵢ ~ N(μ + s·shift, 1) observed at "y"/i.</summary>
    [Model]
    public static double Switch(double[] ys)
    {
        var mu = Sample(Normal(0, 1), "mu");
        var s = Sample(Bernoulli(0.5), "s");
        var offset = s ? Shift : 0.0;
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu + offset, 1), ys[i], "y", i);
        return mu;
    }

    /// <summary>
    /// The same model with s summed out by hand, as a Stan user writes it for NUTS (which moves only continuous
    /// choices): p(y | μ) = ½ Πᵢ N(yᵢ; μ, 1) + ½ Πᵢ N(yᵢ; μ + shift, 1), added with <c>Factor</c> through log_mix.
    /// </summary>
    // log_mix over Real has no tensor counterpart in the batched form; NUTS runs the differentiable form.
#pragma warning disable PPL0011
    [Model]
    public static double SwitchMarginalised(double[] ys)
    {
        var mu = Sample(Normal(0, 1), "mu");
        var stay = 0.0;
        var shifted = 0.0;
        for (var i = 0; i < ys.Length; i++)
        {
            var d0 = ys[i] - mu;
            var d1 = ys[i] - mu - Shift;
            stay += -0.5 * d0 * d0;
            shifted += -0.5 * d1 * d1;
        }
        Factor(RealMath.LogMix(0.5, stay, shifted) - 0.5 * ys.Length * Math.Log(2 * Math.PI));
        return mu;
    }
#pragma warning restore PPL0011
}

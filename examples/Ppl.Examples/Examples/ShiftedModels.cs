using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>A model with a discrete and a continuous choice, for Gibbs cycled with NUTS (notebook 03).</summary>
public static partial class ShiftedModels
{
    /// <summary>z ~ Bernoulli(0.3), mu ~ N(0, 1), y ~ N(mu + 2z, 1) (y constrained by the observation).</summary>
    [Model]
    public static bool Shifted()
    {
        var z = Sample(Bernoulli(0.3));
        var mu = Sample(Normal(0, 1));
        _ = Sample(Normal(mu + (z ? 2 : 0), 1), "y");
        return z;
    }
}

using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>A model with a discrete and a continuous choice, for Gibbs cycled with NUTS (notebook 03).</summary>
public static partial class ShiftedModels
{
    /// <summary>z ~ Bernoulli(0.3), mu ~ N(0, 1), and the datum <paramref name="y"/> observed from N(mu + 2z, 1).</summary>
    [Model]
    public static bool Shifted(double y)
    {
        var z = Sample(Bernoulli(0.3));
        var mu = Sample(Normal(0, 1));
        Observe(Normal(mu + (z ? 2 : 0), 1), y, "y");
        return z;
    }
}

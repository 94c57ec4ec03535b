using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>The sprinkler network with two soft observations (factors), as a [Model] method: SMC pauses at each factor.</summary>
public static partial class SmcSprinklerModels
{
    /// <summary>rain ~ Bernoulli(0.3), a factor 0.2 if it rained; sprinkler ~ Bernoulli(0.1 or 0.4), a factor 0.1 if it ran.</summary>
    [Model]
    public static bool Sprinkler()
    {
        var rain = Sample(Bernoulli(0.3));
        if (rain) Factor(Math.Log(0.2));
        var sprinkler = Sample(Bernoulli(rain ? 0.1 : 0.4));
        if (sprinkler) Factor(Math.Log(0.1));
        return rain;
    }
}

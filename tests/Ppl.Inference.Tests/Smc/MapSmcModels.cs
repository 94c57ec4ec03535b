using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The [Model] kernel that <see cref="MapSmcTests"/> runs through Map and MapSmc.</summary>
public static partial class MapSmcModels
{
    /// <summary>One conjugate item: x ~ N(m, 1), y ~ N(x, 1), y observed by the caller as a value of the Sample site.</summary>
    [Model]
    public static double Item(double m)
    {
        var x = Sample(Normal(m, 1), "x");
        _ = Sample(Normal(x, 1), "y");
        return x;
    }
}

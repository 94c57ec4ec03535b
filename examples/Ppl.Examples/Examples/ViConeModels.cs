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
#pragma warning restore PPL0011, PPL0012
}

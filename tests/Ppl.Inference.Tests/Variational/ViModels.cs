using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// The models and guides of the variational tests written as [Model] methods (tensor sites): the objectives run them
/// through their generated bodies, as they run the dynamic models.
/// </summary>
public static partial class ViModels
{
    // Tensor choices have no batched or differentiable form (those forms are over doubles), and SMC replays a model with a
    // sub-model call: VI runs the handler body, which every [Model] has.
#pragma warning disable PPL0010, PPL0011, PPL0012
    /// <summary>z ~ N(0, 1), y ~ N(z, 1).</summary>
    [Model]
    public static Tensor Conjugate(Tensor y)
    {
        var z = Sample(Normal(tensor(0.0), tensor(1.0)));
        Observe(Normal(z, tensor(1.0)), y, "y");
        return z;
    }

    /// <summary>The same model observing y through a constrained choice (the other way to condition): y ~ N(z, 1) as a Sample.</summary>
    [Model]
    public static Tensor ConjugateBySample()
    {
        var z = Sample(Normal(tensor(0.0), tensor(1.0)));
        _ = Sample(Normal(z, tensor(1.0)), "y");
        return z;
    }

    /// <summary>A fixed, deliberately poor guide N(0, 1).</summary>
    [Model]
    public static Tensor Poor()
    {
        var z = Sample(Normal(tensor(0.0), tensor(1.0)));
        return z;
    }

    /// <summary>A hierarchical guide: u ~ N(0, 1), z ~ N(0.3 + 0.5u, 0.8); marginal q(z) = N(0.3, 0.89).</summary>
    [Model]
    public static Tensor Hierarchical()
    {
        var u = Sample(Normal(tensor(0.0), tensor(1.0)));
        var z = Sample(Normal(u.Times(0.5).Plus(0.3), tensor(0.8)));
        return z;
    }

    /// <summary>The conjugate model's latent behind a sub-model call: the prior is another [Model].</summary>
    [Model]
    public static Tensor Prior()
    {
        var z = Sample(Normal(tensor(0.0), tensor(1.0)));
        return z;
    }

    /// <summary>z from the sub-model <see cref="Prior"/> (traced at "p/z"), y ~ N(z, 1).</summary>
    [Model]
    public static Tensor WithSubModel(Tensor y)
    {
        var p = Prior();
        Observe(Normal(p, tensor(1.0)), y, "y");
        return p;
    }

    /// <summary>The conjugate model over doubles (the usual [Model]): its density comes from its differentiable form.</summary>
    [Model]
    public static double ConjugateOverDoubles(double y)
    {
        var z = Sample(Normal(0, 1));
        Observe(Normal(z, 1), y, "y");
        return z;
    }

    /// <summary>A model with a double choice: VI needs tensors at random choices and says so, naming the site.</summary>
    [Model]
    public static double DoubleChoice()
    {
        var x = Sample(Normal(0, 1));
        return x;
    }
#pragma warning restore PPL0010, PPL0011, PPL0012
}

/// <summary>A trainable guide written as a [Model] method: q(z) = N(m, exp(log_s)²) with parameters m and log_s.</summary>
public static partial class ViGuides
{
    /// <summary>q(z) = N(m, exp(log s)²).</summary>
    [Model]
    public static Tensor Gaussian()
    {
        var m = Param("m", () => tensor(0.0));
        var logS = Param("log_s", () => tensor(0.0));
        var z = Sample(Normal(m, logS.exp()));
        return z;
    }
}

using Ppl.Autodiff;
using Ppl.Modeling;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

// density{P} of a [Model] whose choices are doubles: the generated differentiable form evaluates log p and its exact
// gradient in every continuous choice, one particle at a time, and a surrogate tensor carries both into autograd.
public sealed partial class ViContext
{
    /// <summary>
    /// log p(<paramref name="choices"/>) of a model over doubles, per particle, as a tensor whose value is the log density
    /// and whose gradient with respect to each choice tensor is the form's exact gradient: the surrogate
    /// lp + Σₖ (zₖ − stop_grad(zₖ))·∂lp/∂zₖ (the same construction as the implicit reparameterisation). The guide's
    /// choices are tensors (a scalar, or one value per particle); data may be doubles or tensors.
    /// </summary>
    private Tensor DensityThroughForm<TArgs>(string modelName, DifferentiableBody<TArgs> form, TArgs args, ChoiceMap choices)
    {
        var n = Particles;
        // Every leaf's values per particle, read once (a per-particle tensor, a shared scalar tensor, or a double).
        var leaves = new List<(Address Address, Tensor? Tensor, double[] Values, object? Discrete)>();
        foreach (var (address, value) in choices.Leaves)
        {
            switch (value)
            {
                case Tensor t:
                    {
                        var count = t.numel();
                        if (count != 1 && !(t.dim() >= 1 && t.shape[0] == n && count == n))
                            throw new ModelException(
                                $"The choice at '{address}' of model '{modelName}' is a tensor of shape [{string.Join(", ", t.shape)}]; a model over doubles takes one value per particle ({n}) or one for all.",
                                address);
                        using var flat = t.detach().to(ScalarType.Float64).cpu().reshape(-1);
                        leaves.Add((address, t, flat.data<double>().ToArray(), null));
                        break;
                    }
                case double d:
                    leaves.Add((address, null, [d], null));
                    break;
                case int or bool or long:
                    leaves.Add((address, null, [], value));
                    break;
                default:
                    throw new ModelException($"The choice at '{address}' of model '{modelName}' is a {value?.GetType().Name ?? "null"}; a model over doubles takes tensors or numbers.", address);
            }
        }
        var logDensity = new double[n];
        var gradients = new double[leaves.Count][];
        for (var k = 0; k < leaves.Count; k++) gradients[k] = new double[n];
        var tape = Tape.Current;
        for (var i = 0; i < n; i++)
        {
            var held = ChoiceMap.Empty;
            foreach (var (address, _, values, discrete) in leaves)
                held = held.Set(address, discrete ?? Held(values.Length == 1 ? values[0] : values[i]));
            // Laid out per particle: discrete choices (held) may differ between particles.
            var layout = DifferentiableContext.Discover(modelName, form, args, ChoiceMap.Empty, held, Selection.All);
            var theta = new Real[layout.Dimension];
            for (var c = 0; c < theta.Length; c++)
            {
                var address = layout.Coordinates[c];
                if (!held.TryGetValue(address, out var given))
                    throw new ModelException($"The density of model '{modelName}' needs a value for the choice at '{address}', but the choices given have none.", address);
                theta[c] = tape.Variable(Convert.ToDouble(given, System.Globalization.CultureInfo.InvariantCulture));
            }
            var context = DifferentiableContext.ForThread;
            context.Begin(layout, theta, modelName: modelName, constrained: true, diagnose: true);
            form(context, args);
            var lp = context.End();
            logDensity[i] = lp.Value;
            tape.Backward(lp);
            for (var c = 0; c < theta.Length; c++)
            {
                var k = leaves.FindIndex(l => l.Address == layout.Coordinates[c]);
                gradients[k][i] = tape.Adjoint(theta[c]);
            }
            tape.Reset();
        }
        // Computed in doubles on the CPU; the surrogate lives on the context's device in its dtype.
        var result = n == 1 ? tensor(logDensity[0], DType, Device) : tensor(logDensity, DType, Device);
        for (var k = 0; k < leaves.Count; k++)
        {
            if (leaves[k].Tensor is not { requires_grad: true } z) continue;
            // (z − stop_grad(z)) is 0 in value and 1 in derivative: the term adds ∂lp/∂z to z's gradient, nothing to the value.
            using var g = n == 1 ? tensor(gradients[k][0], DType, z.device) : tensor(gradients[k], DType, z.device);
            var zv = z.to(DType).reshape(n == 1 ? [] : [-1]);
            var term = (zv - zv.detach()) * g;
            result = result.Plus(term);
        }
        return result;
    }

    /// <summary>
    /// A tensor value as the form holds it. A guide's draw at a discrete site is a float tensor (TorchSharp's Bernoulli and
    /// categorical draws are floats), and the form's discrete sites take an int or a bool, so a whole number is held as an
    /// int, which a discrete site reads as its value and a continuous one as the same double.
    /// </summary>
    private static object Held(double value) =>
        value == Math.Floor(value) && Math.Abs(value) <= int.MaxValue ? (object)(int)value : value;
}

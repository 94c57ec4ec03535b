using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// Turns a batched model conditioned on observations into a batched log density over a flat parameter
/// matrix [C, D], for many-chain HMC: the columns are the listed latent choices, flattened in order.
/// The latents must have real support (no bijection is applied).
/// </summary>
public static class BatchedDensity
{
    /// <summary>The log joint density [C] of the model at latents taken from the columns of the argument.</summary>
    /// <param name="model">The batched model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">The observed values.</param>
    /// <param name="latents">The latent addresses and the shape of one draw at each (empty for a scalar).</param>
    public static Func<Tensor, Tensor> FromModel<TArgs, TRet>(BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices observations,
        params (Address Address, long[] Shape)[] latents)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(latents);
        var sizes = latents.Select(l => l.Shape.Aggregate(1L, (a, b) => a * b)).ToArray();
        return x =>
        {
            var chains = x.shape[0];
            if (x.dim() != 2 || x.shape[1] != sizes.Sum())
                throw new ArgumentException($"Expected parameters [chains, {sizes.Sum()}], got [{string.Join(", ", x.shape)}].");
            var c = observations.Copy();
            var parts = x.split(sizes, 1);
            for (var i = 0; i < latents.Length; i++) c.Set(latents[i].Address, parts[i].reshape([chains, .. latents[i].Shape]));
            return model.Assess(args, c, (int)chains, x.device, x.dtype).LogDensity;
        };
    }

    /// <summary>The total number of columns the latents take.</summary>
    public static int Dimension(params (Address Address, long[] Shape)[] latents) =>
        (int)latents.Sum(l => l.Shape.Aggregate(1L, (a, b) => a * b));
}

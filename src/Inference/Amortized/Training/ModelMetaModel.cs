using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Training;

/// <summary>
/// A meta-model written as an ordinary Ppl generative function that samples φ, then x | φ, then z | x,
/// and returns them as a <see cref="MetaDraw"/>. Each batch simulates the model once per row (on its
/// own split random stream) and stacks the results; every draw of a batch must have the same number of
/// observations. Latents and observations stay in float64 (the transform and the observation scaling
/// run before any cast), so heavy-tailed simulations do not overflow float32.
/// </summary>
public sealed class ModelMetaModel : IMetaModel
{
    private readonly IGenerativeFunction<Unit, MetaDraw> _model;
    private readonly int _mixtureComponents;

    /// <summary>Wraps <paramref name="model"/>.</summary>
    /// <param name="model">The meta-model.</param>
    /// <param name="mixtureComponents">0 when the prior is parametric; otherwise the K of the mixture priors it returns.</param>
    /// <param name="device">Where the batches' tensors are created (the CPU when null); their dtypes stay as described above.</param>
    public ModelMetaModel(IGenerativeFunction<Unit, MetaDraw> model, int mixtureComponents = 0, Device? device = null)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        ArgumentOutOfRangeException.ThrowIfNegative(mixtureComponents);
        _mixtureComponents = mixtureComponents;
        Device = device ?? CPU;
    }

    /// <summary>Where the batches' tensors are created.</summary>
    public Device Device { get; }

    /// <inheritdoc />
    public MetaBatch Simulate(int batchSize, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentNullException.ThrowIfNull(rng);
        var streams = rng.Split(batchSize);
        var draws = new MetaDraw[batchSize];
        for (var i = 0; i < batchSize; i++) draws[i] = _model.Simulate(Unit.Value, streams[i]).Return;
        var d = draws[0].Latent.Length;
        var n = draws[0].Observations.Length;
        var dz = n > 0 ? draws[0].Observations[0].Length : 1;
        var p = draws[0].Prior.Length;
        var prior = new float[batchSize * p];
        var latent = new double[batchSize * d];
        var obs = new double[batchSize * n * dz];
        for (var i = 0; i < batchSize; i++)
        {
            var m = draws[i];
            if (m.Latent.Length != d || m.Prior.Length != p || m.Observations.Length != n)
                throw new InvalidOperationException(
                    $"Meta-model '{_model.Name}' returned draws of different sizes in one batch (draw {i}: prior {m.Prior.Length}, latent {m.Latent.Length}, {m.Observations.Length} observations; draw 0: {p}, {d}, {n}).");
            for (var j = 0; j < p; j++) prior[i * p + j] = (float)m.Prior[j];
            for (var j = 0; j < d; j++) latent[i * d + j] = m.Latent[j];
            for (var k = 0; k < n; k++)
            {
                if (m.Observations[k].Length != dz) throw new InvalidOperationException($"Meta-model '{_model.Name}': observation {k} of draw {i} has {m.Observations[k].Length} numbers, expected {dz}.");
                for (var j = 0; j < dz; j++) obs[(i * n + k) * dz + j] = m.Observations[k][j];
            }
        }
        var priorT = tensor(prior, new long[] { batchSize, p }, device: Device);
        DtPrior dtPrior;
        if (_mixtureComponents == 0) dtPrior = DtPrior.FromParameters(priorT);
        else
        {
            var k = _mixtureComponents;
            if (p != k + k * d + k * d * d)
                throw new InvalidOperationException($"Meta-model '{_model.Name}': a {k}-component mixture prior in {d} dimensions needs {k + k * d + k * d * d} numbers, got {p}.");
            var w = priorT[.., ..k];
            var mu = priorT[.., k..(k + k * d)].reshape(batchSize, k, d);
            var l = priorT[.., (k + k * d)..].reshape(batchSize, k, d, d);
            dtPrior = DtPrior.FromMixture(new GmmTensors(w.log(), mu, l));
        }
        return new MetaBatch(dtPrior, tensor(latent, new long[] { batchSize, d }, device: Device), [tensor(obs, new long[] { batchSize, n, dz }, device: Device)]);
    }
}

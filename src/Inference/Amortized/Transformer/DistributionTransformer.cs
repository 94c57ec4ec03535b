using System.Text.Json;
using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Standardisation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// The Distribution Transformer (papers.md 3.2): a prior and observations in, a Gaussian-mixture
/// posterior over y = f(x) out. Prior tokens (one per mixture component, or K tokens from a
/// distribution embedding) pass through a post-norm decoder stack with self-attention among them and
/// cross-attention to one token per observation; no positional encodings are used, so the posterior
/// is equivariant to permutations of the prior's components and invariant to permutations of the
/// observations. The same head decodes the prior tokens before the stack (the prior reconstruction)
/// and after it (the posterior). Because the output is a mixture, it can be fed back as the next prior.
/// Runs in float32 on the CPU by default; the constructor's device and dtype (or <c>Move</c>) put it elsewhere, and
/// <see cref="Forward"/> moves its inputs to the network's device.
/// </summary>
public sealed class DistributionTransformer : nn.Module
{
    private readonly ComponentEmbedding componentEmbedding;
    private readonly DistributionEmbedding? distributionEmbedding;
    private readonly ObservationEmbedding observationEmbedding;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly GmmHead head;

    /// <summary>Creates a transformer with freshly initialised weights (seeded by <paramref name="seed"/>).</summary>
    /// <param name="config">The sizes.</param>
    /// <param name="transform">The sample-space transform f (identity when null).</param>
    /// <param name="seed">Seeds the initial weights.</param>
    /// <param name="standardisation">An exact symmetry of the problem family applied before the network reads a problem (none when null).</param>
    /// <param name="device">Where the weights live (the CPU when null); they are initialised on the CPU and moved, so a seed gives the same network on every device.</param>
    /// <param name="dtype">The weights' floating dtype (null: TorchSharp's default dtype, float32 unless changed).</param>
    public DistributionTransformer(DtConfig config, SampleSpaceTransform? transform = null, long seed = 0, ProblemStandardisation? standardisation = null,
        Device? device = null, ScalarType? dtype = null) : base("DistributionTransformer")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Transform = transform ?? SampleSpaceTransform.Identity;
        Standardisation = standardisation;
        // Weight initialisation draws from torch's global generator: seed it so a given seed gives the same network.
        manual_seed(seed);
        componentEmbedding = new ComponentEmbedding("components", config);
        distributionEmbedding = config.PriorParameterCount > 0 ? new DistributionEmbedding("distribution", config) : null;
        observationEmbedding = new ObservationEmbedding("observations", config);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers)
            .Select(i => new DecoderLayer($"layer{i}", config.ModelDimension, config.Heads, config.FeedForward)).ToArray());
        head = new GmmHead("head", config);
        RegisterComponents();
        if (device is not null || dtype is not null) Move(device ?? Device, dtype ?? DType);
    }

    /// <summary>Where the weights live.</summary>
    public Device Device => parameters().First().device;

    /// <summary>The weights' floating dtype.</summary>
    public ScalarType DType => parameters().First().dtype;

    /// <summary>Moves the weights to <paramref name="device"/> in <paramref name="dtype"/> (nothing when they are there already).</summary>
    public DistributionTransformer Move(Device device, ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (dtype is not (ScalarType.Float64 or ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentException($"The Distribution Transformer's weights need a floating dtype, got {dtype}.", nameof(dtype));
        if (!DeviceEquals(Device, device) || DType != dtype) this.to(device).to(dtype);
        return this;
    }

    internal static bool DeviceEquals(Device a, Device b) => a.type == b.type && (a.type == DeviceType.CPU || a.index == b.index);

    /// <summary>The sizes.</summary>
    public DtConfig Config { get; }

    /// <summary>The sample-space transform f: the mixtures describe f(x).</summary>
    public SampleSpaceTransform Transform { get; }

    /// <summary>
    /// The standardisation applied to every problem before the network (null for none): the network sees
    /// the standardised problem and its mixtures are mapped back to the original sample space.
    /// </summary>
    public ProblemStandardisation? Standardisation { get; }

    /// <summary>The number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// The prior reconstruction and the posterior for a batch of priors and observations (one tensor
    /// [B, N, Dₛ] per observation source, with N possibly 0), differentiable in the weights.
    /// </summary>
    public DtOutput Forward(DtPrior prior, IReadOnlyList<Tensor> observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(observations);
        // Inputs go to the network's device in their own dtype (the observations' scaling runs in float64 before the cast).
        var device = Device;
        prior = prior.To(device);
        observations = [.. observations.Select(o => DeviceEquals(o.device, device) ? o : o.to(device))];
        var standardised = Standardisation?.Standardise(prior, observations);
        if (standardised is not null) (prior, observations) = (standardised.Prior, standardised.Observations);
        var tokens = PriorTokens(prior);
        var reconstruction = head.forward(tokens);
        var memory = observationEmbedding.forward(observations);
        var x = tokens;
        foreach (var layer in layers) x = layer.forward(x, memory);
        var posterior = head.forward(x);
        return standardised is null
            ? new DtOutput(reconstruction, posterior)
            : new DtOutput(standardised.Restore(reconstruction), standardised.Restore(posterior));
    }

    /// <summary>
    /// The posterior with a single observation source [B, N, Dz], without gradient, as a float64 <see cref="Gmm"/> over
    /// f(x) on the observations' device (wherever the network ran).
    /// </summary>
    public Gmm Posterior(DtPrior prior, Tensor observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        using var ng = no_grad();
        var gmm = Forward(prior, [observations]).Posterior.ToGmm();
        return DeviceEquals(gmm.Means.device, observations.device)
            ? gmm
            : new Gmm(gmm.Weights.to(observations.device), gmm.Means.to(observations.device), gmm.ScaleTrils.to(observations.device));
    }

    private Tensor PriorTokens(DtPrior prior)
    {
        var dtype = DType;
        switch (prior)
        {
            case DtPrior.Mixture m:
                if (m.Value.D != Config.StateDimension)
                    throw new ArgumentException($"The prior mixtures have dimension {m.Value.D}; the transformer was built for {Config.StateDimension}.");
                var g = m.Value;
                return componentEmbedding.forward(new GmmTensors(g.LogWeights.to_type(dtype), g.Means.to_type(dtype), g.ScaleTrils.to_type(dtype)));
            case DtPrior.Parametric p:
                if (distributionEmbedding is null)
                    throw new ArgumentException("This transformer reads mixture priors only (PriorParameterCount = 0).");
                if (p.Parameters.dim() != 2 || p.Parameters.shape[1] != Config.PriorParameterCount)
                    throw new ArgumentException($"Prior parameters must be [B, {Config.PriorParameterCount}], got [{string.Join(", ", p.Parameters.shape)}].");
                return distributionEmbedding.forward(p.Parameters.to_type(dtype));
            default:
                throw new ArgumentException($"Unknown prior kind {prior.GetType().Name}.");
        }
    }

    /// <summary>Saves the weights to <paramref name="path"/> and the configuration to <paramref name="path"/>.json.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        // Write next to the target and rename, so an interrupted save never leaves a truncated checkpoint.
        var tmp = path + ".tmp";
        save(tmp);
        File.Move(tmp, path, overwrite: true);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(Config));
    }

    /// <summary>
    /// Loads a transformer saved by <see cref="Save"/> (its configuration, then its weights, read as saved) and moves it to
    /// <paramref name="device"/> in <paramref name="dtype"/> when they are given.
    /// </summary>
    public static DistributionTransformer Load(string path, SampleSpaceTransform? transform = null, ProblemStandardisation? standardisation = null,
        Device? device = null, ScalarType? dtype = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path) || !File.Exists(path + ".json"))
            throw new FileNotFoundException($"No saved Distribution Transformer at '{path}' (needs the weights file and '{path}.json').", path);
        var config = JsonSerializer.Deserialize<DtConfig>(File.ReadAllText(path + ".json"))
                     ?? throw new InvalidDataException($"'{path}.json' holds no configuration.");
        var model = new DistributionTransformer(config, transform, standardisation: standardisation);
        model.load(path);
        return device is null && dtype is null ? model : model.Move(device ?? model.Device, dtype ?? model.DType);
    }
}

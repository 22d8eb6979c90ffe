# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hoist_global_optspecs
    string join \n v/version root= config= insecure-registry= debug h/help
end

function __fish_hoist_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hoist_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hoist_using_subcommand
    set -l cmd (__fish_hoist_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hoist -n "__fish_hoist_needs_command" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_needs_command" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_needs_command" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_needs_command" -s v -l version -d 'Print version information and quit (`hoist version X, build COMMIT`, as `docker -v`)'
complete -c hoist -n "__fish_hoist_needs_command" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_needs_command" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "login" -d 'Log in to a registry: check the credentials, then keep them in the OS keyring'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "logout" -d 'Forget the credentials stored for a registry'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "pull" -d 'Download an image from a registry into the local store'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "push" -d 'Upload a local image to a registry'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "cp" -d 'Copy an image from one registry to another, without the local store'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "delete" -d 'Delete an image\'s manifest from a registry'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "tags" -d 'List a remote repository\'s tags'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "catalog" -d 'List a registry\'s repositories'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "manifest" -d 'Inspect remote manifests without pulling them; make and push manifest lists'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "search" -d 'Search Docker Hub, or a registry, for repositories'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "tag" -d 'Give a local image another name'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "images" -d 'List local images'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "rm" -d 'Remove local images by name, ID or ID prefix'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "rmi" -d 'Remove local images by name, ID or ID prefix'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "inspect" -d 'Show a local image\'s details as JSON'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "save" -d 'Write images to a `docker save` archive'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "load" -d 'Read images from a `docker save`, `podman save` or OCI archive'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "import" -d 'Make a one-layer image from a root-filesystem tarball'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "history" -d 'Show the history of an image: its layers and the steps that made them'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "image" -d 'Manage images: docker\'s `image` commands (`image ls`, `image rm`, `image prune`, ...)'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "system" -d 'Manage the local store'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "version" -d 'Show the hoist version information'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "completion" -d 'Print the shell completion script for bash, zsh or fish'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "__complete" -d 'What the completion scripts ask: local image names (and IDs), one a line'
complete -c hoist -n "__fish_hoist_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand login" -s u -l username -d 'User name' -r
complete -c hoist -n "__fish_hoist_using_subcommand login" -s p -l password -d 'Password (insecure: use --password-stdin)' -r
complete -c hoist -n "__fish_hoist_using_subcommand login" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand login" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand login" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand login" -l password-stdin -d 'Read the password (or token) from standard input'
complete -c hoist -n "__fish_hoist_using_subcommand login" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand login" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand logout" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand logout" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand logout" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand logout" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand logout" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand pull" -l platform -d 'The platform to pull from a multi-platform image [default: the host\'s]' -r
complete -c hoist -n "__fish_hoist_using_subcommand pull" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand pull" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand pull" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand pull" -s q -l quiet -d 'Only print the image\'s full reference'
complete -c hoist -n "__fish_hoist_using_subcommand pull" -s a -l all-tags -d 'Pull every tag of the repository (the host\'s platform of each)'
complete -c hoist -n "__fish_hoist_using_subcommand pull" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand push" -l platform -d 'Push only this platform\'s image of a multi-platform one' -r
complete -c hoist -n "__fish_hoist_using_subcommand push" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand push" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand push" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand push" -s a -l all-tags -d 'Push every tag of the repository that the store holds'
complete -c hoist -n "__fish_hoist_using_subcommand push" -s q -l quiet -d 'Only print the pushed reference, as docker does'
complete -c hoist -n "__fish_hoist_using_subcommand push" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand cp" -l platform -d 'Copy only this platform of a multi-platform image [default: every platform]' -r
complete -c hoist -n "__fish_hoist_using_subcommand cp" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand cp" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand cp" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand cp" -s a -l all-tags -d 'Copy every tag of the repository (SOURCE and DESTINATION name repositories)'
complete -c hoist -n "__fish_hoist_using_subcommand cp" -l referrers -d 'Also copy what refers to the image (signatures, SBOMs, attestations): OCI referrers'
complete -c hoist -n "__fish_hoist_using_subcommand cp" -s q -l quiet -d 'Only print the copied digest'
complete -c hoist -n "__fish_hoist_using_subcommand cp" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand cp" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand delete" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand delete" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand delete" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand delete" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand tags" -l filter -d 'Only tags that match this shell pattern (`*`, `?`, `[a-z]`, `[!a-z]`), as `v1.*`' -r
complete -c hoist -n "__fish_hoist_using_subcommand tags" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand tags" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand tags" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand tags" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand tags" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand catalog" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand catalog" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand catalog" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand catalog" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand catalog" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -f -a "inspect" -d 'Show a remote image\'s manifest or index, as docker manifest inspect shows it'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -f -a "create" -d 'Make a local manifest list from images of the list\'s registry or of the local store'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -f -a "annotate" -d 'Set the platform of a manifest of a local list'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -f -a "push" -d 'Push a local manifest list, with the manifests it names, to its registry'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -f -a "rm" -d 'Remove local manifest lists'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and not __fish_seen_subcommand_from inspect create annotate push rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -s v -l verbose -d 'Also show each manifest\'s reference, descriptor (with its platform) and raw bytes'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l insecure -d 'Reach the image\'s registry over plain HTTP or without checking its certificate'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -s a -l amend -d 'Add to (or replace manifests of) a list that exists'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -l insecure -d 'Reach the registry over plain HTTP or without checking its certificate'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l os -d 'Operating system' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l arch -d 'Architecture' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l variant -d 'Architecture variant (`v7`, `v8`)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l os-version -d 'Operating system version (Windows)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l os-features -d 'Operating system features (comma-separated)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from annotate" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -s p -l purge -d 'Remove the local list after the push'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -l insecure -d 'Reach the registry over plain HTTP or without checking its certificate'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from rm" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a remote image\'s manifest or index, as docker manifest inspect shows it'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "create" -d 'Make a local manifest list from images of the list\'s registry or of the local store'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "annotate" -d 'Set the platform of a manifest of a local list'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "push" -d 'Push a local manifest list, with the manifests it names, to its registry'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove local manifest lists'
complete -c hoist -n "__fish_hoist_using_subcommand manifest; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand search" -s f -l filter -d 'Only results that pass: `stars=N` (at least N stars), `is-official=true|false` (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand search" -l limit -d 'How many results, 1 to 100' -r
complete -c hoist -n "__fish_hoist_using_subcommand search" -l format -d 'Format the output: `table`, `table TEMPLATE`, `json` or a Go template (`{{.Name}}`), with docker\'s fields (Name, Description, StarCount, IsOfficial)' -r
complete -c hoist -n "__fish_hoist_using_subcommand search" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand search" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand search" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand search" -l no-trunc -d 'Don\'t cut the descriptions short'
complete -c hoist -n "__fish_hoist_using_subcommand search" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand search" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand tag" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand tag" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand tag" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand tag" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand tag" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand images" -s f -l filter -d 'Filter output: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`, `before=IMAGE`, `since=IMAGE`, `until=TIME` (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand images" -l format -d 'Format the output: `table`, `table TEMPLATE` (a header row and aligned columns), `json` (one object per line) or a Go template (`{{.Repository}}:{{.Tag}}`), with docker\'s fields and functions' -r
complete -c hoist -n "__fish_hoist_using_subcommand images" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand images" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand images" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand images" -s a -l all -d 'Show all images (by default intermediate images, the bases of others, are hidden)'
complete -c hoist -n "__fish_hoist_using_subcommand images" -s q -l quiet -d 'Only show image IDs'
complete -c hoist -n "__fish_hoist_using_subcommand images" -l digests -d 'Show digests'
complete -c hoist -n "__fish_hoist_using_subcommand images" -l no-trunc -d 'Don\'t truncate output'
complete -c hoist -n "__fish_hoist_using_subcommand images" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand images" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand rm" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand rm" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand rm" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand rm" -s f -l force -d 'Remove an image that several names hold, and report missing images without failing'
complete -c hoist -n "__fish_hoist_using_subcommand rm" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -s f -l force -d 'Remove an image that several names hold, and report missing images without failing'
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -s f -l format -d 'Format the output: `json` (one compact array) or a Go template over `docker image inspect`\'s object (`{{index .RepoDigests 0}}`, `{{json .Config}}`) [default: indented JSON]' -r
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -l type -d 'Only inspect objects of this type: `image` (the only kind hoist has)' -r
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand save" -s o -l output -d 'Write to this file instead of standard output' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand save" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand save" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand save" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand save" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand load" -s i -l input -d 'Read from this file instead of standard input' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand load" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand load" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand load" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand load" -s q -l quiet -d 'Suppress the load output (the `Loaded image:` lines stay, as with docker)'
complete -c hoist -n "__fish_hoist_using_subcommand load" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand load" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand import" -s c -l change -d 'Apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL, ONBUILD); repeatable' -r
complete -c hoist -n "__fish_hoist_using_subcommand import" -s m -l message -d 'Set the commit message (the image\'s comment and history)' -r
complete -c hoist -n "__fish_hoist_using_subcommand import" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand import" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand import" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand import" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c hoist -n "__fish_hoist_using_subcommand history" -l format -d 'Format the output: `table`, `table TEMPLATE`, `json` or a Go template, with docker\'s fields (`{{.ID}}`, `{{.CreatedSince}}`, `{{.CreatedBy}}`, `{{.Size}}`, `{{.Comment}}`)' -r
complete -c hoist -n "__fish_hoist_using_subcommand history" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand history" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand history" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand history" -s q -l quiet -d 'Only show image IDs'
complete -c hoist -n "__fish_hoist_using_subcommand history" -l no-trunc -d 'Don\'t truncate output'
complete -c hoist -n "__fish_hoist_using_subcommand history" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "ls" -d 'List local images (`hoist images`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "list" -d 'List local images (`hoist images`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "rm" -d 'Remove local images by name, ID or ID prefix (`hoist rm`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "remove" -d 'Remove local images by name, ID or ID prefix (`hoist rm`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "pull" -d 'Download an image from a registry into the local store (`hoist pull`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "push" -d 'Upload a local image to a registry (`hoist push`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "tag" -d 'Give a local image another name (`hoist tag`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "inspect" -d 'Show a local image\'s details as JSON (`hoist inspect`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "history" -d 'Show the history of an image (`hoist history`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "save" -d 'Write images to a `docker save` archive (`hoist save`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "load" -d 'Read images from a `docker save`, `podman save` or OCI archive (`hoist load`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "import" -d 'Make a one-layer image from a root-filesystem tarball (`hoist import`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "prune" -d 'Remove unused images, the blobs nothing needs and abandoned partial downloads'
complete -c hoist -n "__fish_hoist_using_subcommand image; and not __fish_seen_subcommand_from ls list rm remove pull push tag inspect history save load import prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -s f -l filter -d 'Filter output: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`, `before=IMAGE`, `since=IMAGE`, `until=TIME` (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l format -d 'Format the output: `table`, `table TEMPLATE` (a header row and aligned columns), `json` (one object per line) or a Go template (`{{.Repository}}:{{.Tag}}`), with docker\'s fields and functions' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -s a -l all -d 'Show all images (by default intermediate images, the bases of others, are hidden)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Only show image IDs'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l digests -d 'Show digests'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l no-trunc -d 'Don\'t truncate output'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -s f -l filter -d 'Filter output: `dangling=true|false`, `reference=PATTERN`, `label=KEY[=VALUE]`, `before=IMAGE`, `since=IMAGE`, `until=TIME` (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l format -d 'Format the output: `table`, `table TEMPLATE` (a header row and aligned columns), `json` (one object per line) or a Go template (`{{.Repository}}:{{.Tag}}`), with docker\'s fields and functions' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -s a -l all -d 'Show all images (by default intermediate images, the bases of others, are hidden)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Only show image IDs'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l digests -d 'Show digests'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l no-trunc -d 'Don\'t truncate output'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -s f -l force -d 'Remove an image that several names hold, and report missing images without failing'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -s f -l force -d 'Remove an image that several names hold, and report missing images without failing'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -l platform -d 'The platform to pull from a multi-platform image [default: the host\'s]' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -s q -l quiet -d 'Only print the image\'s full reference'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -s a -l all-tags -d 'Pull every tag of the repository (the host\'s platform of each)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from pull" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -l platform -d 'Push only this platform\'s image of a multi-platform one' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -s a -l all-tags -d 'Push every tag of the repository that the store holds'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -s q -l quiet -d 'Only print the pushed reference, as docker does'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from tag" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from tag" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from tag" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from tag" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from tag" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -s f -l format -d 'Format the output: `json` (one compact array) or a Go template over `docker image inspect`\'s object (`{{index .RepoDigests 0}}`, `{{json .Config}}`) [default: indented JSON]' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -l type -d 'Only inspect objects of this type: `image` (the only kind hoist has)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -s H -l human -d 'Print sizes and dates in human readable format' -r -f -a "true\t''
false\t''"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -l format -d 'Format the output: `table`, `table TEMPLATE`, `json` or a Go template, with docker\'s fields (`{{.ID}}`, `{{.CreatedSince}}`, `{{.CreatedBy}}`, `{{.Size}}`, `{{.Comment}}`)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -s q -l quiet -d 'Only show image IDs'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -l no-trunc -d 'Don\'t truncate output'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -s o -l output -d 'Write to this file instead of standard output' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -s i -l input -d 'Read from this file instead of standard input' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -s q -l quiet -d 'Suppress the load output (the `Loaded image:` lines stay, as with docker)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from load" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -s c -l change -d 'Apply a Dockerfile instruction to the image (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, WORKDIR, VOLUME, STOPSIGNAL, ONBUILD); repeatable' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -s m -l message -d 'Set the commit message (the image\'s comment and history)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -l filter -d 'Only images that match: `until=TIME`, `label=KEY[=VALUE]`, `label!=KEY[=VALUE]`' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -s a -l all -d 'Remove all unused images, not just dangling ones'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -s f -l force -d 'Do not prompt for confirmation'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List local images (`hoist images`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove local images by name, ID or ID prefix (`hoist rm`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "pull" -d 'Download an image from a registry into the local store (`hoist pull`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "push" -d 'Upload a local image to a registry (`hoist push`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "tag" -d 'Give a local image another name (`hoist tag`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "inspect" -d 'Show a local image\'s details as JSON (`hoist inspect`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "history" -d 'Show the history of an image (`hoist history`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "save" -d 'Write images to a `docker save` archive (`hoist save`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "load" -d 'Read images from a `docker save`, `podman save` or OCI archive (`hoist load`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "import" -d 'Make a one-layer image from a root-filesystem tarball (`hoist import`)'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove unused images, the blobs nothing needs and abandoned partial downloads'
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -f -a "check" -d 'Check every blob of the store against its digest and every name for a whole image'
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -f -a "df" -d 'Show what the store holds and what a prune would free'
complete -c hoist -n "__fish_hoist_using_subcommand system; and not __fish_seen_subcommand_from check df help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from check" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from check" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from check" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from check" -l repair -d 'Fetch what is damaged or missing again from its registry; remove names that cannot be mended'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from check" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -l format -d 'Format the output: `table`, `table TEMPLATE`, `json` or a Go template, with docker\'s fields (`{{.Type}}`, `{{.TotalCount}}`, `{{.Active}}`, `{{.Size}}`, `{{.Reclaimable}}`)' -r
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -s v -l verbose -d 'Show each image\'s space usage'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from df" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check every blob of the store against its digest and every name for a whole image'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "df" -d 'Show what the store holds and what a prune would free'
complete -c hoist -n "__fish_hoist_using_subcommand system; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand version" -s f -l format -d 'Format the output: `json`, or a Go template over docker\'s object (`{{.Client.Version}}`)' -r
complete -c hoist -n "__fish_hoist_using_subcommand version" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand version" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand version" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand version" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand version" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand completion" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand completion" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand completion" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand completion" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hoist -n "__fish_hoist_using_subcommand __complete" -l root -d 'The local image store [default: $XDG_DATA_HOME/hoist, else ~/.local/share/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand __complete" -l config -d 'The configuration folder [default: $XDG_CONFIG_HOME/hoist, else ~/.config/hoist]' -r -F
complete -c hoist -n "__fish_hoist_using_subcommand __complete" -l insecure-registry -d 'A registry to reach over plain HTTP or without checking its certificate (repeatable)' -r
complete -c hoist -n "__fish_hoist_using_subcommand __complete" -l ids -d 'Image IDs too'
complete -c hoist -n "__fish_hoist_using_subcommand __complete" -l debug -d 'Log every HTTP request and its status to stderr (never a secret)'
complete -c hoist -n "__fish_hoist_using_subcommand __complete" -s h -l help -d 'Print help'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "login" -d 'Log in to a registry: check the credentials, then keep them in the OS keyring'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "logout" -d 'Forget the credentials stored for a registry'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "pull" -d 'Download an image from a registry into the local store'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "push" -d 'Upload a local image to a registry'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "cp" -d 'Copy an image from one registry to another, without the local store'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "delete" -d 'Delete an image\'s manifest from a registry'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "tags" -d 'List a remote repository\'s tags'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "catalog" -d 'List a registry\'s repositories'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "manifest" -d 'Inspect remote manifests without pulling them; make and push manifest lists'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "search" -d 'Search Docker Hub, or a registry, for repositories'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "tag" -d 'Give a local image another name'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "images" -d 'List local images'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "rm" -d 'Remove local images by name, ID or ID prefix'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "inspect" -d 'Show a local image\'s details as JSON'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "save" -d 'Write images to a `docker save` archive'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "load" -d 'Read images from a `docker save`, `podman save` or OCI archive'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "import" -d 'Make a one-layer image from a root-filesystem tarball'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "history" -d 'Show the history of an image: its layers and the steps that made them'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "image" -d 'Manage images: docker\'s `image` commands (`image ls`, `image rm`, `image prune`, ...)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "system" -d 'Manage the local store'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "version" -d 'Show the hoist version information'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "completion" -d 'Print the shell completion script for bash, zsh or fish'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "__complete" -d 'What the completion scripts ask: local image names (and IDs), one a line'
complete -c hoist -n "__fish_hoist_using_subcommand help; and not __fish_seen_subcommand_from login logout pull push cp delete tags catalog manifest search tag images rm inspect save load import history image system version completion __complete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "inspect" -d 'Show a remote image\'s manifest or index, as docker manifest inspect shows it'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "create" -d 'Make a local manifest list from images of the list\'s registry or of the local store'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "annotate" -d 'Set the platform of a manifest of a local list'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "push" -d 'Push a local manifest list, with the manifests it names, to its registry'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from manifest" -f -a "rm" -d 'Remove local manifest lists'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "ls" -d 'List local images (`hoist images`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "rm" -d 'Remove local images by name, ID or ID prefix (`hoist rm`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "pull" -d 'Download an image from a registry into the local store (`hoist pull`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "push" -d 'Upload a local image to a registry (`hoist push`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "tag" -d 'Give a local image another name (`hoist tag`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "inspect" -d 'Show a local image\'s details as JSON (`hoist inspect`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "history" -d 'Show the history of an image (`hoist history`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "save" -d 'Write images to a `docker save` archive (`hoist save`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "load" -d 'Read images from a `docker save`, `podman save` or OCI archive (`hoist load`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "import" -d 'Make a one-layer image from a root-filesystem tarball (`hoist import`)'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from image" -f -a "prune" -d 'Remove unused images, the blobs nothing needs and abandoned partial downloads'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "check" -d 'Check every blob of the store against its digest and every name for a whole image'
complete -c hoist -n "__fish_hoist_using_subcommand help; and __fish_seen_subcommand_from system" -f -a "df" -d 'Show what the store holds and what a prune would free'

# Local images, from the store: `hoist __complete images`.
complete -c hoist -n "__fish_hoist_using_subcommand rm" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand remove" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand tag" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand history" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand save" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand tag" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand rm" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand rmi" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand inspect" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand save" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand history" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand push" -f -a "(hoist __complete images 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand push" -f -a "(hoist __complete images 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from rm" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from remove" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from tag" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from inspect" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from history" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from save" -f -a "(hoist __complete images --ids 2>/dev/null)"
complete -c hoist -n "__fish_hoist_using_subcommand image; and __fish_seen_subcommand_from push" -f -a "(hoist __complete images 2>/dev/null)"

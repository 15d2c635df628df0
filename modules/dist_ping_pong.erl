%% The Erlang side of the distributed ping-pong lesson (modules/dist_ping_pong.ts): the same
%% messages, so a BEAM node can play ping or pong against an eshell-ts node.
%%   erlc dist_ping_pong.erl && erl -sname ping -setcookie demo
-module(dist_ping_pong).
-export([start_pong/0, start_ping/1, ping/2, pong/0]).

start_pong() ->
    register(pong, spawn(?MODULE, pong, [])).

start_ping(PongNode) ->
    spawn(?MODULE, ping, [3, PongNode]).

ping(0, PongNode) ->
    {pong, PongNode} ! finished,
    io:format("ping finished~n");
ping(Rounds, PongNode) ->
    {pong, PongNode} ! {ping, self()},
    receive
        pong -> io:format("Ping received pong~n")
    end,
    ping(Rounds - 1, PongNode).

pong() ->
    receive
        finished ->
            io:format("Pong finished~n");
        {ping, From} ->
            io:format("Pong received ping~n"),
            From ! pong,
            pong()
    end.
